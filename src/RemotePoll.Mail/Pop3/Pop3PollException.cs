using RemotePoll.Core.Polling;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// A POP3 session failed. <see cref="Kind"/> tells the poller which delay applies (failed host or failed
/// account); the message quotes the server where that helps and never contains the password.
/// </summary>
public sealed class Pop3PollException : Exception
{
    public Pop3PollException(PollErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    public Pop3PollException(PollErrorKind kind, string message, int messageIndex, Exception? innerException = null)
        : this(kind, message, innerException) => MessageIndex = messageIndex;

    public PollErrorKind Kind { get; }

    /// <summary>For <see cref="PollErrorKind.MessageTooLarge"/>: the 0-based index of the message, so the poller can skip it.</summary>
    public int? MessageIndex { get; }

    /// <summary>The server's answer that caused the failure, if any (redacted).</summary>
    public string? ServerResponse { get; init; }

    /// <summary>False when the session cannot be used any more (the connection is closed).</summary>
    public bool SessionUsable { get; init; }

    /// <summary>
    /// The server's LOGIN-DELAY as the session last saw it in CAPA (zero: none announced); null when the failure came
    /// before the server was heard. Set by the session, so a failed poll still floors the record's next one.
    /// </summary>
    public TimeSpan? LoginDelay { get; set; }
}
