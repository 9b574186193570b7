using System.Diagnostics;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// Where the minimal clients put what they receive: one file per message in one directory, made durable as
/// <see cref="FileDurability"/> says. It keeps the time spent writing and syncing apart from the time spent
/// waiting for the network.
/// </summary>
internal sealed class MessageFileSink(string directory, FileDurability durability, int batchSize) : IMessageSink, IDisposable
{
    private readonly List<FileStream> _pending = [];
    private int _inBatch;
    private long _write;
    private long _sync;

    public int Messages { get; private set; }
    public long Bytes { get; private set; }
    public TimeSpan WriteTime => Stopwatch.GetElapsedTime(0, _write);
    public TimeSpan SyncTime => Stopwatch.GetElapsedTime(0, _sync);

    public void Write(ReadOnlySpan<byte> message)
    {
        var started = Stopwatch.GetTimestamp();
        var file = new FileStream(Path.Combine(directory, $"{Messages:D7}.eml"), new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0,
            PreallocationSize = message.Length,
        });
        file.Write(message);
        Messages++;
        Bytes += message.Length;
        _write += Stopwatch.GetTimestamp() - started;
        switch (durability)
        {
            case FileDurability.FsyncBatch:
                _pending.Add(file);
                break;
            case FileDurability.FsyncEach:
                Timed(ref _sync, () => file.Flush(flushToDisk: true));
                file.Dispose();
                break;
            default:
                file.Dispose();
                break;
        }
        if (++_inBatch >= batchSize) Barrier();
    }

    /// <summary>Crosses the last barrier: everything written is durable when this returns.</summary>
    public void Finish() => Barrier();

    public void Dispose()
    {
        foreach (var f in _pending) f.Dispose();
        _pending.Clear();
    }

    private void Barrier()
    {
        if (_inBatch == 0) return;
        _inBatch = 0;
        switch (durability)
        {
            case FileDurability.FsyncBatch:
                Timed(ref _sync, () =>
                {
                    foreach (var f in _pending) { f.Flush(flushToDisk: true); f.Dispose(); }
                    _pending.Clear();
                    DiskSync.FsyncDirectory(directory);
                });
                break;
            case FileDurability.SyncfsBatch:
                Timed(ref _sync, () => DiskSync.SyncFileSystem(directory));
                break;
        }
    }

    private static void Timed(ref long total, Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        total += Stopwatch.GetTimestamp() - started;
    }
}
