namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The LMTP server said something that is not the protocol, or not what the state allows. The message quotes
/// the offending reply or line.
/// </summary>
public sealed class LmtpProtocolException : Exception
{
    public LmtpProtocolException(string message, LmtpReply? reply = null)
        : base(reply is null ? message : $"{message}; the server replied: {reply}") => Reply = reply;

    public LmtpProtocolException(string message, string offendingLine)
        : base($"{message}: '{Quote(offendingLine)}'")
    {
    }

    public LmtpReply? Reply { get; }

    private static string Quote(string line) => line.Length > 200 ? line[..200] + "…" : line;
}
