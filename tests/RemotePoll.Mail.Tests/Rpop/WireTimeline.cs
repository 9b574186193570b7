using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// A POP3 protocol log that puts every client command line on one timeline with whatever else a test notes
/// (deliveries, commits), so the order of events can be checked. Server data is passed to <see cref="OnReceived"/>.
/// </summary>
internal sealed class WireTimeline : IProtocolLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];

    /// <summary>Sees each chunk the server sent, on the session's read path (before the client acts on it).</summary>
    public Action<string>? OnReceived { get; set; }

    public IReadOnlyList<string> Events
    {
        get { lock (_gate) return [.. _events]; }
    }

    /// <summary>Every client command line, in order.</summary>
    public IReadOnlyList<string> Commands => Events.Where(e => e.StartsWith("C: ", StringComparison.Ordinal)).Select(e => e[3..]).ToList();

    public int CountCommands(string verb) => Commands.Count(c => c.StartsWith(verb + " ", StringComparison.OrdinalIgnoreCase)
        || c.Equals(verb, StringComparison.OrdinalIgnoreCase));

    public void Note(string text)
    {
        lock (_gate) _events.Add(text);
    }

    public void Connected(Uri server) => Note("connected " + server);

    public void Sent(string text)
    {
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)) Note("C: " + line);
    }

    public void Received(string text) => OnReceived?.Invoke(text);

    /// <summary>Counts a server phrase across chunks (it may be split between two) and calls back on each one seen.</summary>
    public static Action<string> Counting(string phrase, Action<int> seen)
    {
        var tail = "";
        var count = 0;
        return chunk =>
        {
            var text = tail + chunk;
            for (var at = text.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = text.IndexOf(phrase, at + phrase.Length, StringComparison.Ordinal))
                seen(++count);
            tail = text.Length < phrase.Length ? text : text[^(phrase.Length - 1)..];
        };
    }
}
