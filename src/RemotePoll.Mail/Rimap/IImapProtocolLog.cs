namespace RemotePoll.Mail.Rimap;

/// <summary>
/// Receives the protocol exchange of an RIMAP session, for the "Low-Level" and "All Info" log levels (spec, Log).
/// LOGIN arguments, SASL responses and the password wherever it appears are already replaced by <c>********</c>.
/// </summary>
public interface IImapProtocolLog
{
    /// <summary>The session connected to <paramref name="server"/>.</summary>
    void Connected(Uri server);

    /// <summary>Text the client sent, redacted.</summary>
    void Sent(string text);

    /// <summary>Text the server sent, in whole lines, redacted; every literal (message data above all) only as its size.</summary>
    void Received(string text);
}
