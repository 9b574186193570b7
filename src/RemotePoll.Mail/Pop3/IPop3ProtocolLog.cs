namespace RemotePoll.Mail.Pop3;

/// <summary>
/// Receives the protocol exchange of a session, for the "Low-Level" and "All Info" log levels (spec, Log).
/// Passwords, APOP digests and SASL responses are already replaced by <c>********</c>.
/// </summary>
public interface IPop3ProtocolLog
{
    /// <summary>The session connected to <paramref name="server"/>.</summary>
    void Connected(Uri server);

    /// <summary>Text the client sent, redacted.</summary>
    void Sent(string text);

    /// <summary>Text the server sent: status lines and listings, redacted; message data only as its size, never its content.</summary>
    void Received(string text);
}
