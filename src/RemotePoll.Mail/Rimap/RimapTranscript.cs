using System.Text;
using MailKit;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// MailKit's protocol logger for one RIMAP session: passes the exchange, redacted, to an optional
/// <see cref="IProtocolLog"/>. Redaction: MailKit's IMAP secret detector (LOGIN arguments, AUTHENTICATE
/// responses, literals included), then the password wherever it still appears, in any form it was sent in, in either direction.
/// The server's side goes to the log in whole lines with every literal (RFC 3501 <c>{N}</c>, RFC 3516 <c>~{N}</c>)
/// replaced by its size: message content never reaches a log.
/// </summary>
internal sealed class RimapTranscript(IProtocolLog? log, string password) : IProtocolLogger
{
    public const string Mask = "********";

    private const int MaxGreeting = 1024;
    private const int MaxLoggedLine = 8 * 1024;
    private readonly StringBuilder _greeting = new();
    private bool _greetingDone;

    // The server line being read for the log (bytes, so that UTF-8 split across reads decodes whole), the end of
    // the physical line as read so far (for a literal's {N} however long the line), the literal still to skip.
    private readonly List<byte> _line = [];
    private readonly List<byte> _tail = [];
    private bool _lineCut;
    private long _literalLeft;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The server's first line (its greeting), redacted; null until it is complete.</summary>
    public string? Greeting => _greetingDone ? _greeting.ToString() : null;

    private readonly PasswordRedaction _redaction = new(password);

    /// <summary>Replaces the password wherever it appears, in every form it may have been sent in (<see cref="PasswordRedaction"/>).</summary>
    public string Redact(string text) => _redaction.Redact(text);

    public void LogConnect(Uri uri) => log?.Connected(uri);

    public void LogClient(byte[] buffer, int offset, int count)
    {
        if (log is null) return;
        var secrets = AuthenticationSecretDetector?.DetectSecrets(buffer, offset, count);
        var text = new StringBuilder(count + 16);
        var at = offset;
        if (secrets is not null)
        {
            foreach (var secret in secrets.OrderBy(s => s.StartIndex))
            {
                if (secret.StartIndex < at || secret.StartIndex + secret.Length > offset + count) continue;
                text.Append(Encoding.UTF8.GetString(buffer, at, secret.StartIndex - at)).Append(Mask);
                at = secret.StartIndex + secret.Length;
            }
        }
        text.Append(Encoding.UTF8.GetString(buffer, at, offset + count - at));
        log.Sent(Redact(text.ToString()));
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (!_greetingDone) KeepGreeting(buffer.AsSpan(offset, count));
        if (log is null) return;
        var lines = new StringBuilder();
        var data = buffer.AsSpan(offset, count);
        while (!data.IsEmpty)
        {
            if (_literalLeft > 0)
            {
                var skip = (int)Math.Min(_literalLeft, data.Length);
                _literalLeft -= skip;
                data = data[skip..];
                continue;
            }
            var lf = data.IndexOf((byte)'\n');
            var piece = lf < 0 ? data : data[..(lf + 1)];
            data = data[piece.Length..];
            Keep(piece);
            if (lf < 0) break;
            if (LiteralSize() is { } size)
            {
                // The line goes on after the literal: note the size in its place and skip the literal's octets.
                DropLineEnd();
                Keep(Encoding.ASCII.GetBytes($" ({size} octets not logged) "));
                _tail.Clear();
                _literalLeft = size;
                continue;
            }
            lines.Append(Encoding.UTF8.GetString([.. _line]).TrimEnd('\r', '\n'));
            if (_lineCut) lines.Append(" ...");
            lines.Append("\r\n");
            _line.Clear();
            _tail.Clear();
            _lineCut = false;
        }
        if (lines.Length > 0) log.Received(Redact(lines.ToString()));
    }

    private void Keep(ReadOnlySpan<byte> piece)
    {
        var room = Math.Max(0, MaxLoggedLine - _line.Count);
        if (piece.Length > room) _lineCut = true;
        _line.AddRange(piece[..Math.Min(room, piece.Length)]);
        _tail.AddRange(piece[Math.Max(0, piece.Length - 32)..]);
        if (_tail.Count > 32) _tail.RemoveRange(0, _tail.Count - 32);
    }

    /// <summary>The size of the literal the current line announces at its end (<c>{N}</c> CRLF), or null.</summary>
    private long? LiteralSize()
    {
        var end = _tail.Count;
        if (end > 0 && _tail[end - 1] == (byte)'\n') end--;
        if (end > 0 && _tail[end - 1] == (byte)'\r') end--;
        if (end == 0 || _tail[end - 1] != (byte)'}') return null;
        var digitsEnd = end - 1;
        if (digitsEnd > 0 && _tail[digitsEnd - 1] == (byte)'+') digitsEnd--;
        var start = digitsEnd;
        while (start > 0 && char.IsAsciiDigit((char)_tail[start - 1])) start--;
        if (start == digitsEnd || start == 0 || _tail[start - 1] != (byte)'{' || digitsEnd - start > 18) return null;
        return long.Parse(Encoding.ASCII.GetString([.. _tail[start..digitsEnd]]));
    }

    private void DropLineEnd()
    {
        if (_line.Count > 0 && _line[^1] == (byte)'\n') _line.RemoveAt(_line.Count - 1);
        if (_line.Count > 0 && _line[^1] == (byte)'\r') _line.RemoveAt(_line.Count - 1);
    }

    private void KeepGreeting(ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf((byte)'\n');
        var piece = lf < 0 ? data : data[..lf];
        if (_greeting.Length < MaxGreeting)
            _greeting.Append(Encoding.UTF8.GetString(piece[..Math.Min(piece.Length, MaxGreeting - _greeting.Length)]));
        if (lf < 0) return;
        _greetingDone = true;
        var line = Redact(_greeting.ToString().TrimEnd('\r'));
        _greeting.Clear().Append(line);
    }

    public void Dispose()
    {
    }
}
