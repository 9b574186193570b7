using System.Security.Authentication;
using System.Text;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// STARTTLS (RFC 3501 6.2.1) for <see cref="ImapMailboxStore"/>, done before MailKit sees the connection, so that the
/// store owns the TLS stream and writes APPEND on it as it is (<see cref="ImapAppendWriter"/>), as with implicit TLS:
/// read the greeting, CAPABILITY, STARTTLS, the handshake. MailKit then reads a greeting of its own without
/// capabilities and asks CAPABILITY again, over TLS (RFC 3501: what was learnt before TLS is forgotten). Nothing but
/// CAPABILITY and STARTTLS is sent in clear.
/// </summary>
internal static class ImapStartTls
{
    private const int MaxLine = 8 * 1024;
    private const int MaxLines = 64;
    private static readonly byte[] AfterTls = "* OK TLS is on\r\n"u8.ToArray();

    /// <param name="required">STARTTLS must happen: a server that does not offer it fails; else such a server stays in clear.</param>
    /// <param name="handshake">The TLS handshake (the store's trust rules) on the given connection.</param>
    /// <exception cref="AuthenticationException">STARTTLS is required and not offered, or it was refused.</exception>
    /// <exception cref="IOException">The connection failed or an answer was too long.</exception>
    public static async Task<Stream> NegotiateAsync(Stream network, bool required, Func<Stream, CancellationToken, Task<Stream>> handshake,
        CancellationToken cancellationToken)
    {
        var greeting = await ReadLineAsync(network, cancellationToken).ConfigureAwait(false);
        var text = Encoding.ASCII.GetString(greeting);
        // PREAUTH starts the session authenticated, where STARTTLS is not allowed (RFC 3501 6.2.1, 7.1.4): TLS cannot come.
        if (required && text.StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase))
            throw new AuthenticationException("the server greeted with PREAUTH, after which STARTTLS is not possible; nothing was sent");
        // A refusing or strange greeting is MailKit's to judge; nothing has been sent.
        if (!text.StartsWith("* OK", StringComparison.OrdinalIgnoreCase)) return new ReplayStream(greeting, network);

        var (capability, _) = await CommandAsync(network, "RPT0", "CAPABILITY", cancellationToken).ConfigureAwait(false);
        var offered = capability.Any(line => line.StartsWith("* CAPABILITY ", StringComparison.OrdinalIgnoreCase)
            && line.Split(' ').Contains("STARTTLS", StringComparer.OrdinalIgnoreCase));
        if (!offered)
        {
            if (required) throw new AuthenticationException("the server does not offer STARTTLS; nothing else was sent");
            return new ReplayStream(greeting, network);
        }
        var (_, answer) = await CommandAsync(network, "RPT1", "STARTTLS", cancellationToken).ConfigureAwait(false);
        if (!answer.StartsWith("RPT1 OK", StringComparison.OrdinalIgnoreCase))
            throw new AuthenticationException("the server refused STARTTLS: " + (answer.Length > 200 ? answer[..200] : answer));
        return new ReplayStream(AfterTls, await handshake(network, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Sends a command; its untagged lines and its tagged answer.</summary>
    private static async Task<(List<string> Untagged, string Tagged)> CommandAsync(Stream network, string tag, string command,
        CancellationToken cancellationToken)
    {
        await network.WriteAsync(Encoding.ASCII.GetBytes($"{tag} {command}\r\n"), cancellationToken).ConfigureAwait(false);
        await network.FlushAsync(cancellationToken).ConfigureAwait(false);
        var untagged = new List<string>();
        for (var n = 0; n < MaxLines; n++)
        {
            var line = Encoding.ASCII.GetString(await ReadLineAsync(network, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return (untagged, line);
            untagged.Add(line);
        }
        throw new IOException($"IMAP: more than {MaxLines} lines before the answer to {command}");
    }

    /// <summary>One line with its CRLF, read a byte at a time so that nothing after it (the TLS handshake) is consumed.</summary>
    private static async Task<byte[]> ReadLineAsync(Stream network, CancellationToken cancellationToken)
    {
        var line = new List<byte>(128);
        var one = new byte[1];
        while (line.Count == 0 || line[^1] != '\n')
        {
            if (line.Count == MaxLine) throw new IOException($"IMAP: a line longer than {MaxLine} octets before TLS");
            if (await network.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
                throw new IOException("the IMAP server closed the connection");
            line.Add(one[0]);
        }
        return [.. line];
    }
}
