namespace RemotePoll.Mail.Delivery;

/// <summary>The durability barrier of the Maildir store, a seam so tests can see when it is crossed.</summary>
internal interface IDiskFlush
{
    /// <summary>Makes the file's data and metadata durable (fsync).</summary>
    void FlushFile(FileStream file);

    /// <summary>Makes the directory's entries (created, renamed files) durable (fsync on the directory).</summary>
    void FlushDirectory(string path);
}
