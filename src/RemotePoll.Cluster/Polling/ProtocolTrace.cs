using Akka.Event;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Log = Low-Level or All Info (spec): the protocol exchange of a session in the node log, each line tagged RPOLL with
/// the account and record. The sessions hand over text with passwords and authentication exchanges already
/// redacted. Low-Level keeps command lines and status replies; All Info also keeps message content lines.
/// </summary>
public sealed class ProtocolTrace(ILoggingAdapter log, string account, string record, bool allInfo) : IPop3ProtocolLog, IImapProtocolLog
{
    private const int MaxLine = 300;

    /// <summary>A trace for the level, or null when the level records no protocol detail.</summary>
    public static ProtocolTrace? For(PollLogLevel level, ILoggingAdapter log, string account, string record) =>
        level >= PollLogLevel.LowLevel ? new ProtocolTrace(log, account, record, level == PollLogLevel.AllInfo) : null;

    public void Connected(Uri server) => log.Info("RPOLL {0}/{1}: connected to {2}", account, record, server);

    public void Sent(string text) => Write("C", text);

    public void Received(string text) => Write("S", text);

    private void Write(string side, string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            // Low-Level: protocol lines only; a message body streams through as many lines that say nothing of the link.
            if (!allInfo && !LooksLikeProtocol(line)) continue;
            log.Info("RPOLL {0}/{1}: {2}: {3}", account, record, side, line.Length > MaxLine ? line[..MaxLine] + "..." : line);
        }
    }

    private static bool LooksLikeProtocol(string line) =>
        line.StartsWith('+') || line.StartsWith('-') || line.StartsWith('*') || line == "."
        || (line.Length > 0 && char.IsUpper(line[0]) && line.TakeWhile(c => c != ' ').All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
        || (line.Length > 1 && char.IsAsciiLetterOrDigit(line[0]) && line.Contains(' ') && line.Split(' ')[1] is "OK" or "NO" or "BAD" or "LOGIN" or "AUTHENTICATE" or "UID" or "EXAMINE" or "LIST" or "STATUS" or "CAPABILITY" or "STARTTLS" or "LOGOUT");
}
