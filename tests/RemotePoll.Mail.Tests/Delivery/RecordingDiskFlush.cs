using System.Collections.Concurrent;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>Does the real fsyncs and syncfs and records them, optionally without syncfs or failing some.</summary>
internal sealed class RecordingDiskFlush : IDiskFlush
{
    public ConcurrentQueue<string> Events { get; } = new();

    public bool FailDirectories { get; set; }

    /// <summary>No one-flush barrier, as on a platform without syncfs: every file is fsynced.</summary>
    public bool WithoutSyncFs { get; set; }

    /// <summary>syncfs is there but the kernel refuses the call (e.g. a seccomp filter answering ENOSYS).</summary>
    public bool SyncFsRefused { get; set; }

    /// <summary>syncfs reports a write-back error (EIO).</summary>
    public bool SyncFsFails { get; set; }

    /// <summary>Called at each directory flush, before it happens.</summary>
    public Action<string>? OnDirectoryFlush { get; set; }

    /// <summary>Called at each syncfs, before it happens.</summary>
    public Action<string>? OnSyncFs { get; set; }

    /// <summary>Also records every event here (e.g. a commit log shared with the caller), in the same order.</summary>
    public Action<string>? Observer { get; set; }

    public void FlushFile(FileStream file)
    {
        Record("file " + file.Name);
        PosixDiskFlush.Instance.FlushFile(file);
    }

    public void FlushDirectory(string path)
    {
        Record("dir " + path);
        OnDirectoryFlush?.Invoke(path);
        if (FailDirectories) throw new IOException("simulated EIO");
        PosixDiskFlush.Instance.FlushDirectory(path);
    }

    public IFileSystemBarrier? OpenFileSystem(string path)
    {
        if (WithoutSyncFs) return null;
        var real = PosixDiskFlush.Instance.OpenFileSystem(path);
        Record("open-fs " + path);
        return new Recording(this, real, path);
    }

    private void Record(string e)
    {
        Events.Enqueue(e);
        Observer?.Invoke(e);
    }

    private sealed class Recording(RecordingDiskFlush owner, IFileSystemBarrier? real, string path) : IFileSystemBarrier
    {
        public bool TrySync()
        {
            owner.Record("syncfs " + path);
            owner.OnSyncFs?.Invoke(path);
            if (owner.SyncFsFails) throw new IOException($"syncfs '{path}' failed: simulated EIO");
            if (owner.SyncFsRefused) return false;
            // Without a usable syncfs here (not Linux 5.8+) the store falls back to fsyncing each file.
            return real?.TrySync() ?? false;
        }

        public void Dispose() => real?.Dispose();
    }
}
