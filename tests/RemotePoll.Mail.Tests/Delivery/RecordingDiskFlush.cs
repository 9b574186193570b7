using System.Collections.Concurrent;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>Does the real fsyncs and records them, optionally failing directory flushes.</summary>
internal sealed class RecordingDiskFlush : IDiskFlush
{
    public ConcurrentQueue<string> Events { get; } = new();

    public bool FailDirectories { get; set; }

    /// <summary>Called at each directory flush, before it happens.</summary>
    public Action<string>? OnDirectoryFlush { get; set; }

    public void FlushFile(FileStream file)
    {
        Events.Enqueue("file " + file.Name);
        PosixDiskFlush.Instance.FlushFile(file);
    }

    public void FlushDirectory(string path)
    {
        Events.Enqueue("dir " + path);
        OnDirectoryFlush?.Invoke(path);
        if (FailDirectories) throw new IOException("simulated EIO");
        PosixDiskFlush.Instance.FlushDirectory(path);
    }
}
