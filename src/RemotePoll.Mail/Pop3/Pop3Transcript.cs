using System.Text;
using MailKit;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// MailKit's protocol logger for one session. It remembers the server lines the session must judge and
/// MailKit does not expose (the greeting, the answer to a failed login, the answer to QUIT), and passes
/// the exchange, redacted, to an optional <see cref="IProtocolLog"/>. Redaction: MailKit's
/// authentication secret detector (USER/PASS, APOP, AUTH lines), then any <c>PASS</c> argument, then the
/// password wherever it appears, in any form it was sent in.
/// </summary>
internal sealed class Pop3Transcript(IProtocolLog? log, string password) : IProtocolLogger
{
    public const string Mask = "********";
    private const int MaxKeptLine = 1024;

    private readonly StringBuilder _partial = new();
    private readonly List<string> _sinceMark = [];
    private bool _marking;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The first line the server sent, redacted.</summary>
    public string? Greeting { get; private set; }

    /// <summary>The last complete line the server sent, redacted.</summary>
    public string? LastServerLine { get; private set; }

    /// <summary>The first server line since <see cref="Mark"/>, redacted.</summary>
    public string? FirstLineSinceMark
    {
        get { lock (_sinceMark) return _sinceMark.Count > 0 ? _sinceMark[0] : null; }
    }

    /// <summary>
    /// Whether server lines are tracked outside a <see cref="Mark"/>. The session turns this off once logged
    /// in, so that message data is not split into lines for nothing.
    /// </summary>
    public bool TrackLines { get; set; } = true;

    /// <summary>Starts watching for the answer to the command about to be sent (the stream is at a line start).</summary>
    public void Mark()
    {
        lock (_sinceMark)
        {
            _sinceMark.Clear();
            _partial.Clear();
            _marking = true;
        }
    }

    private readonly PasswordRedaction _redaction = new(password);

    /// <summary>Replaces the password wherever it appears, in every form it may have been sent in (<see cref="PasswordRedaction"/>).</summary>
    public string Redact(string text) => _redaction.Redact(text);

    public void LogConnect(Uri uri) => log?.Connected(uri);

    public void LogClient(byte[] buffer, int offset, int count)
    {
        if (log is null) return;
        var bytes = buffer.AsSpan(offset, count).ToArray();
        var secrets = AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count);
        var text = new StringBuilder(count + 16);
        var at = 0;
        if (secrets is not null)
        {
            foreach (var secret in secrets.OrderBy(s => s.StartIndex))
            {
                var start = secret.StartIndex - offset;
                if (start < at || start + secret.Length > count) continue;
                text.Append(Encoding.Latin1.GetString(bytes, at, start - at)).Append(Mask);
                at = start + secret.Length;
            }
        }
        text.Append(Encoding.Latin1.GetString(bytes, at, count - at));
        log.Sent(Redact(MaskPassCommands(text.ToString())));
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        var span = buffer.AsSpan(offset, count);
        while (!span.IsEmpty && (TrackLines || _marking))
        {
            var lf = span.IndexOf((byte)'\n');
            var piece = lf < 0 ? span : span[..(lf + 1)];
            if (_partial.Length < MaxKeptLine)
                _partial.Append(Encoding.Latin1.GetString(piece[..Math.Min(piece.Length, MaxKeptLine - _partial.Length)]));
            if (lf < 0) break;
            CompleteLine(_partial.ToString().TrimEnd('\r', '\n'));
            _partial.Clear();
            span = span[(lf + 1)..];
        }
        log?.Received(Redact(Encoding.Latin1.GetString(buffer, offset, count)));
    }

    /// <summary>
    /// One line the session read itself (a RETR status line, or a note standing for message data), for the protocol
    /// log only: message data read outside MailKit never goes through <see cref="LogServer"/>.
    /// </summary>
    public void LogServerLine(string line) => log?.Received(Redact(line) + "\r\n");

    public void Dispose()
    {
    }

    private void CompleteLine(string line)
    {
        line = Redact(line);
        Greeting ??= line;
        LastServerLine = line;
        lock (_sinceMark)
        {
            if (_marking && _sinceMark.Count < 8) _sinceMark.Add(line);
        }
    }

    /// <summary>Belt and braces behind MailKit's detector: whatever follows <c>PASS </c> on a line is masked.</summary>
    private static string MaskPassCommands(string text)
    {
        var index = text.IndexOf("PASS ", StringComparison.OrdinalIgnoreCase);
        if (index < 0 || (index > 0 && text[index - 1] != '\n')) return text;
        var end = text.IndexOf('\r', index);
        if (end < 0) end = text.IndexOf('\n', index);
        if (end < 0) end = text.Length;
        return string.Concat(text.AsSpan(0, index + 5), Mask, text.AsSpan(end));
    }
}
