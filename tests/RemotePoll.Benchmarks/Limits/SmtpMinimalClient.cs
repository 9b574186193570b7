using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The SMTP limit: the least a client can do to have Postfix queue messages. EHLO once, then per message MAIL, RCPT
/// and <c>BDAT n LAST</c> with the content in one write (PIPELINING and CHUNKING, which Postfix offers), wait for the
/// three replies. The content is the corpus as is (CRLF already). No envelope parsing, no outcome bookkeeping.
/// <c>sessions</c> connections share the messages, each taking the next one when done.
/// </summary>
internal static class SmtpMinimalClient
{
    /// <summary>Delivers every message to <paramref name="recipient"/> over <paramref name="sessions"/> connections; each must be answered 250.</summary>
    public static async Task DeliverAllAsync(string host, int port, string recipient, IReadOnlyList<byte[]> messages, int sessions,
        CancellationToken cancellationToken)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => Task.Run(async () =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new ProtocolReader(stream);
            await LmtpMinimalClient.ExpectAsync(reader, "220", "greeting", cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync("EHLO bench\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await LmtpMinimalClient.ExpectAsync(reader, "250", "EHLO", cancellationToken).ConfigureAwait(false);
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                var envelope = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"MAIL FROM:<bench@remote.example>\r\nRCPT TO:<{recipient}>\r\nBDAT {messages[i].Length} LAST\r\n"));
                // One write, as SmtpQueueDelivery does for a chunk of up to 1 MB.
                await stream.WriteAsync((byte[])[.. envelope, .. messages[i]], cancellationToken).ConfigureAwait(false);
                await LmtpMinimalClient.ExpectAsync(reader, "250", "MAIL", cancellationToken).ConfigureAwait(false);
                await LmtpMinimalClient.ExpectAsync(reader, "250", "RCPT", cancellationToken).ConfigureAwait(false);
                await LmtpMinimalClient.ExpectAsync(reader, "250", "BDAT LAST", cancellationToken).ConfigureAwait(false);
            }
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await LmtpMinimalClient.ExpectAsync(reader, "221", "QUIT", cancellationToken).ConfigureAwait(false);
        }, cancellationToken))).ConfigureAwait(false);
    }
}
