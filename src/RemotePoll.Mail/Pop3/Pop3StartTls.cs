using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Mail.Net;
using static RemotePoll.Mail.Net.FailureText;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// STLS (RFC 2595 section 4) on the plain port, done before MailKit sees the connection so that everything MailKit and
/// the retriever read afterwards comes through TLS and the session's bounds: read the greeting, ask CAPA, require STLS
/// in it, send STLS, take +OK, hand the connection to the TLS handshake. The greeting is then replayed to MailKit (it
/// carries the APOP timestamp, RFC 2595 4: the one from before STLS stays valid). Nothing but CAPA and STLS is ever sent
/// in clear; a server that does not offer STLS or refuses it fails the session with TlsFailed.
/// </summary>
internal static class Pop3StartTls
{
    private const int MaxLine = 8 * 1024;
    private const int MaxCapabilityLines = 256;

    /// <param name="handshake">the session's TLS handshake (its trust rules) on the given connection</param>
    /// <param name="where">host:port for the texts</param>
    public static async Task<Stream> NegotiateAsync(Stream network, Pop3Transcript transcript, string where,
        Func<Stream, CancellationToken, Task<Stream>> handshake, CancellationToken cancellationToken)
    {
        var greeting = await ReadLineAsync(network, cancellationToken).ConfigureAwait(false);
        // A refusing or strange greeting is MailKit's to judge (the session's usual errors); nothing has been sent.
        if (!IsOk(greeting)) return new ReplayStream(greeting, network);

        await SendAsync(network, transcript, "CAPA", cancellationToken).ConfigureAwait(false);
        var offered = false;
        var answer = await ReceiveAsync(network, transcript, cancellationToken).ConfigureAwait(false);
        if (IsOk(answer))
        {
            for (var n = 0; ; n++)
            {
                if (n == MaxCapabilityLines) throw Failed(where, $"CAPA sent more than {MaxCapabilityLines} lines");
                var line = await ReceiveAsync(network, transcript, cancellationToken).ConfigureAwait(false);
                if (line == ".") break;
                offered |= line.Split(' ', 2)[0].Equals("STLS", StringComparison.OrdinalIgnoreCase);
            }
        }
        if (!offered)
            throw Failed(where, "the record requires STARTTLS but the server does not offer STLS (RFC 2595) in CAPA; nothing else was sent");

        await SendAsync(network, transcript, "STLS", cancellationToken).ConfigureAwait(false);
        var reply = await ReceiveAsync(network, transcript, cancellationToken).ConfigureAwait(false);
        if (!IsOk(reply))
            throw new RemotePollException(PollErrorKind.TlsFailed, $"{where}: TLS failed: the server refused STLS: {Truncate(transcript.Redact(reply))}")
            {
                ServerResponse = transcript.Redact(reply),
            };
        return new ReplayStream(greeting, await handshake(network, cancellationToken).ConfigureAwait(false));
    }

    private static RemotePollException Failed(string where, string why) => new(PollErrorKind.TlsFailed, $"{where}: TLS failed: {why}");

    private static bool IsOk(byte[] line) => line.Length >= 3 && line[0] == '+' && (line[1] | 0x20) == 'o' && (line[2] | 0x20) == 'k';

    private static bool IsOk(string line) => line.StartsWith("+OK", StringComparison.OrdinalIgnoreCase);


    private static async Task SendAsync(Stream network, Pop3Transcript transcript, string command, CancellationToken cancellationToken)
    {
        var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
        transcript.LogClient(bytes, 0, bytes.Length);
        await network.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await network.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ReceiveAsync(Stream network, Pop3Transcript transcript, CancellationToken cancellationToken)
    {
        var line = Encoding.Latin1.GetString(await ReadLineAsync(network, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        transcript.LogServerLine(line);
        return line;
    }

    /// <summary>One line with its CRLF, read a byte at a time so that nothing after it (the TLS handshake) is consumed.</summary>
    private static async Task<byte[]> ReadLineAsync(Stream network, CancellationToken cancellationToken)
    {
        var line = new List<byte>(128);
        var one = new byte[1];
        while (true)
        {
            if (await network.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
                throw new IOException("the server closed the connection");
            line.Add(one[0]);
            if (one[0] == '\n') return [.. line];
            if (line.Count > MaxLine) throw new StreamBoundExceededException(StreamBound.LineLength, MaxLine);
        }
    }
}
