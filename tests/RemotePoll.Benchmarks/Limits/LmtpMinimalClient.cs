using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The LMTP limit: the least a client can do to hand messages to Dovecot's LMTP. LHLO once, then per message
/// MAIL, RCPT and DATA in one write (PIPELINING), wait for the three replies, the content (already CRLF and free of
/// dot lines: <see cref="Corpus"/>) and the final dot, wait for the one reply. No envelope parsing, no stamp, no
/// outcome bookkeeping. <c>sessions</c> connections share the messages, each taking the next one when done.
/// </summary>
internal static class LmtpMinimalClient
{
    /// <summary>Delivers every message to <paramref name="recipient"/> over <paramref name="sessions"/> connections; each must be answered 250.</summary>
    public static Task DeliverAllAsync(string host, int port, string recipient, IReadOnlyList<byte[]> messages, int sessions,
        CancellationToken cancellationToken)
    {
        var next = -1;
        return DeliverAllAsync(host, port, recipient, _ =>
            ValueTask.FromResult(Interlocked.Increment(ref next) is var i && i < messages.Count ? messages[i] : null), sessions, cancellationToken);
    }

    /// <summary>As above, each session taking the next message as it arrives in <paramref name="messages"/>.</summary>
    public static Task DeliverAllAsync(string host, int port, string recipient, ChannelReader<byte[]> messages, int sessions,
        CancellationToken cancellationToken) =>
        DeliverAllAsync(host, port, recipient, async ct =>
        {
            while (await messages.WaitToReadAsync(ct).ConfigureAwait(false))
                if (messages.TryRead(out var message)) return message;
            return null;
        }, sessions, cancellationToken);

    /// <param name="take">The next message for a session that is ready for one; null: none is left.</param>
    private static async Task DeliverAllAsync(string host, int port, string recipient, Func<CancellationToken, ValueTask<byte[]?>> take, int sessions,
        CancellationToken cancellationToken)
    {
        var envelope = Encoding.ASCII.GetBytes($"MAIL FROM:<bench@remote.example>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n");
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => Task.Run(async () =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new ProtocolReader(stream);
            await ExpectAsync(reader, "220", "greeting", cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync("LHLO bench\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await ExpectAsync(reader, "250", "LHLO", cancellationToken).ConfigureAwait(false);
            while (await take(cancellationToken).ConfigureAwait(false) is { } message)
            {
                await stream.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
                await ExpectAsync(reader, "250", "MAIL", cancellationToken).ConfigureAwait(false);
                await ExpectAsync(reader, "250", "RCPT", cancellationToken).ConfigureAwait(false);
                await ExpectAsync(reader, "354", "DATA", cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(".\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                await ExpectAsync(reader, "250", "the final dot", cancellationToken).ConfigureAwait(false);
            }
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await ExpectAsync(reader, "221", "QUIT", cancellationToken).ConfigureAwait(false);
        }, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Reads one reply (all its lines) and checks its code.</summary>
    internal static async Task ExpectAsync(ProtocolReader reader, string code, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = Encoding.ASCII.GetString((await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Span);
            if (!line.StartsWith(code, StringComparison.Ordinal)) throw new InvalidOperationException($"{what}: {line.TrimEnd()}");
            if (line.Length < 4 || line[3] != '-') return;
        }
    }
}
