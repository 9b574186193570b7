using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// An RIMAP poll failed. <see cref="Kind"/> tells the poller which delay applies (failed host or failed
/// account); the message quotes the server where that helps and never contains the password.
/// </summary>
public sealed class ImapPollException : Exception
{
    public ImapPollException(PollErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    public PollErrorKind Kind { get; }

    /// <summary>The server's answer that caused the failure, if any (redacted).</summary>
    public string? ServerResponse { get; init; }

    /// <summary>The remote folder being mirrored when the failure happened, if any.</summary>
    public string? RemoteFolder { get; init; }

    /// <summary>False when the session cannot be used any more (the connection is closed).</summary>
    public bool SessionUsable { get; init; }
}
