using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Net;

/// <summary>
/// A POP3 or RIMAP poll failed. One type for both, so the connect/TLS code they share throws what both pollers
/// catch. <see cref="Kind"/> tells the poller which delay applies (failed host or failed account); the message
/// quotes the server where that helps and never contains the password.
/// </summary>
public sealed class RemotePollException : Exception
{
    public RemotePollException(PollErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    public RemotePollException(PollErrorKind kind, string message, int messageIndex, Exception? innerException = null)
        : this(kind, message, innerException) => MessageIndex = messageIndex;

    public PollErrorKind Kind { get; }

    /// <summary>POP3, for <see cref="PollErrorKind.MessageTooLarge"/>: the 0-based index of the message, so the poller can skip it.</summary>
    public int? MessageIndex { get; }

    /// <summary>The server's answer that caused the failure, if any (redacted).</summary>
    public string? ServerResponse { get; init; }

    /// <summary>RIMAP: the remote folder being mirrored when the failure happened, if any.</summary>
    public string? RemoteFolder { get; init; }

    /// <summary>False when the session cannot be used any more (the connection is closed).</summary>
    public bool SessionUsable { get; init; }

    /// <summary>
    /// POP3: the server's LOGIN-DELAY as the session last saw it in CAPA (zero: none announced); null when the failure
    /// came before the server was heard. Set by the session, so a failed poll still floors the record's next one.
    /// </summary>
    public TimeSpan? LoginDelay { get; set; }
}
