namespace RemotePoll.Benchmarks.Limits;

/// <summary>How the minimal clients make each received message durable.</summary>
internal enum FileDurability
{
    /// <summary>write(2) and close: the page cache only.</summary>
    None,

    /// <summary>fsync(2) of each file as soon as it is written: one device flush per message.</summary>
    FsyncEach,

    /// <summary>One barrier per batch: fsync of every file of the batch, then of the directory.</summary>
    FsyncBatch,

    /// <summary>One barrier per batch: a single syncfs(2) of the file system (what one flush per batch can do).</summary>
    SyncfsBatch,
}
