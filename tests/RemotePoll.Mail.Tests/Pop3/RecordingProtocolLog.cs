using System.Collections.Concurrent;
using System.Text;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>Keeps everything a session logs, for assertions on what went over the wire.</summary>
internal sealed class RecordingProtocolLog : IProtocolLog
{
    private readonly ConcurrentQueue<(char Direction, string Text)> _entries = new();

    public void Connected(Uri server) => _entries.Enqueue(('*', server.ToString()));
    public void Sent(string text) => _entries.Enqueue(('C', text));
    public void Received(string text) => _entries.Enqueue(('S', text));

    public IReadOnlyList<string> SentChunks => _entries.Where(e => e.Direction == 'C').Select(e => e.Text).ToList();

    public string SentText => string.Concat(SentChunks);

    /// <summary>Every client command line, in order.</summary>
    public IReadOnlyList<string> SentLines => SentText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

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
