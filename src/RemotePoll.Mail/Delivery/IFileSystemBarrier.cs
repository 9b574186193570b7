namespace RemotePoll.Mail.Delivery;

/// <summary>One flush of a whole file system (Linux syncfs(2)), opened by <see cref="IDiskFlush.OpenFileSystem"/>.</summary>
internal interface IFileSystemBarrier : IDisposable
{
    /// <summary>
    /// Writes back every dirty file and the journal of the file system, once. False when the kernel refuses the
    /// call itself (not supported, not permitted): nothing is known to be durable, flush file by file instead.
    /// </summary>
    /// <exception cref="IOException">A write-back error happened on the file system since the barrier was opened: the data may be lost.</exception>
    bool TrySync();
}
