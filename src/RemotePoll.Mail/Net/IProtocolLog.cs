namespace RemotePoll.Mail.Net;

/// <summary>
/// Receives the protocol exchange of a POP3 or RIMAP session, for the "Low-Level" and "All Info" log levels (spec, Log).
/// One interface for both, so a node's trace serves every session. Passwords, APOP digests, LOGIN arguments and SASL
/// responses are already replaced by <c>********</c>.
/// </summary>
public interface IProtocolLog
{
    /// <summary>The session connected to <paramref name="server"/>.</summary>
    void Connected(Uri server);

    /// <summary>Text the client sent, redacted.</summary>
    void Sent(string text);

    /// <summary>
    /// Text the server sent, in whole lines, redacted: status lines and listings; message data (every IMAP literal) only
    /// as its size, never its content.
    /// </summary>
    void Received(string text);
}
