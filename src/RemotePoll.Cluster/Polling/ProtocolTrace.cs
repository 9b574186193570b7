using Akka.Event;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Net;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Log = Low-Level or All Info (spec): the protocol exchange of a session in the node log, each line tagged RPOLL with
/// the account and record. The sessions hand over text with passwords and authentication exchanges already
/// redacted, and message data only as its size (never its content, at any level). Low-Level keeps commands, status
/// lines and capabilities; All Info also keeps the per-message lines of LIST and UIDL listings.
/// </summary>
public sealed class ProtocolTrace(ILoggingAdapter log, string account, string record, bool allInfo) : IProtocolLog
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
            // Low-Level: a listing of thousands of messages says nothing of the link.
            if (!allInfo && IsListingLine(line)) continue;
            log.Info("RPOLL {0}/{1}: {2}: {3}", account, record, side, line.Length > MaxLine ? line[..MaxLine] + "..." : line);
        }
    }

    /// <summary>A line of a POP3 LIST or UIDL listing: "N SIZE" or "N UID".</summary>
    private static bool IsListingLine(string line)
    {
        var space = line.IndexOf(' ');
        return space > 0 && line.AsSpan(0, space).IndexOfAnyExceptInRange('0', '9') < 0 && line.IndexOf(' ', space + 1) < 0;
    }
}
