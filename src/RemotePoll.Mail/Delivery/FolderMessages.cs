namespace RemotePoll.Mail.Delivery;

/// <summary>The messages of a local folder: copies a RIMAP mirror made (<see cref="MirrorStamp"/>), and all others.</summary>
public sealed record FolderMessages(int MirrorCopies, int Others)
{
    public static readonly FolderMessages None = new(0, 0);
}
