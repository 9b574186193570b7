using System.Collections.Concurrent;
using System.Text;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Keeps everything a session logs, for assertions on what went over the wire.</summary>
internal sealed class RecordingImapLog : IProtocolLog
{
    private readonly ConcurrentQueue<(char Direction, string Text)> _entries = new();

    public void Connected(Uri server) => _entries.Enqueue(('*', server.ToString()));
    public void Sent(string text) => _entries.Enqueue(('C', text));
    public void Received(string text) => _entries.Enqueue(('S', text));

    public string SentText => string.Concat(_entries.Where(e => e.Direction == 'C').Select(e => e.Text));

    /// <summary>Every client command line, in order, without its tag.</summary>
    public IReadOnlyList<string> Commands => SentText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' ', 2) is [_, var rest] ? rest : l).ToList();

    public string AllText
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var (d, t) in _entries) sb.Append(d).Append(": ").Append(t);
            return sb.ToString();
        }
    }
}
