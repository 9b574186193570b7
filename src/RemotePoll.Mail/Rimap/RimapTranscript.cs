using System.Text;
using MailKit;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// MailKit's protocol logger for one RIMAP session: passes the exchange, redacted, to an optional
/// <see cref="IImapProtocolLog"/>. Redaction: MailKit's IMAP secret detector (LOGIN arguments, AUTHENTICATE
/// responses, literals included), then the literal password wherever it still appears, in either direction.
/// </summary>
internal sealed class RimapTranscript(IImapProtocolLog? log, string password) : IProtocolLogger
{
    public const string Mask = "********";

    private const int MaxGreeting = 1024;
    private readonly StringBuilder _greeting = new();
    private bool _greetingDone;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The server's first line (its greeting), redacted; null until it is complete.</summary>
    public string? Greeting => _greetingDone ? _greeting.ToString() : null;

    /// <summary>Replaces the password wherever it appears.</summary>
    public string Redact(string text) =>
        password.Length == 0 ? text : text.Replace(password, Mask, StringComparison.Ordinal);

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
        log.Received(Redact(Encoding.UTF8.GetString(buffer, offset, count)));
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
