namespace RemotePoll.Mail.Delivery;

/// <summary>The durability barrier of the Maildir store, a seam so tests can see when it is crossed.</summary>
internal interface IDiskFlush
{
    /// <summary>Makes the file's data and metadata durable (fsync).</summary>
    void FlushFile(FileStream file);

    /// <summary>Makes the directory's entries (created, renamed files) durable (fsync on the directory).</summary>
    void FlushDirectory(string path);

    /// <summary>
    /// Starts a one-flush barrier on the file system that holds <paramref name="path"/>, before anything of the
    /// batch is written there, so that a write-back error of that file system from now on is reported by
    /// <see cref="IFileSystemBarrier.TrySync"/>. Null when this platform has no such barrier: then every file
    /// is flushed with <see cref="FlushFile"/>.
    /// </summary>
    IFileSystemBarrier? OpenFileSystem(string path);
}
