using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The POP3 limit: the least a client can do. USER/PASS, then every RETR written at once by one task while
/// another reads the answers and un-stuffs the dots, each message handed to the sink; no parsing of the mail, no
/// ledger, no DELE. Plain TCP on loopback, or implicit TLS (POP3S) through .NET's <see cref="SslStream"/>.
/// </summary>
internal static class Pop3PipelinedClient
{
    /// <summary>Retrieves messages 1..<paramref name="count"/> into the sink, then QUIT.</summary>
    /// <param name="tlsTrust">For POP3S: the certificate the server's must chain to (its own, self-signed); null for plain TCP.</param>
    public static async Task RetrieveAllAsync(string host, int port, string user, string password, int count,
        IMessageSink sink, CancellationToken cancellationToken, X509Certificate2? tlsTrust = null)
    {
        using var socket = await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await using var stream = tlsTrust is null
            ? new NetworkStream(socket, ownsSocket: false)
            : await TlsAsync(new NetworkStream(socket, ownsSocket: false), host, tlsTrust, cancellationToken).ConfigureAwait(false);
        var reader = new ProtocolReader(stream);
        await LoginAsync(stream, reader, user, password, cancellationToken).ConfigureAwait(false);

        var writing = Task.Run(async () =>
        {
            var commands = new StringBuilder();
            for (var i = 1; i <= count; i++)
            {
                commands.Append("RETR ").Append(i).Append("\r\n");
                if (i % 256 == 0 || i == count)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(commands.ToString()), cancellationToken).ConfigureAwait(false);
                    commands.Clear();
                }
            }
        }, cancellationToken);

        var message = new ArrayBufferWriter<byte>(64 * 1024);
        for (var i = 1; i <= count; i++)
        {
            Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), $"RETR {i}");
            message.ResetWrittenCount();
            while (true)
            {
                var line = (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Span;
                if (line.Length > 0 && line[0] == '.')
                {
                    if (line.SequenceEqual(".\r\n"u8)) break;
                    line = line[1..];
                }
                message.Write(line);
            }
            sink.Write(message.WrittenSpan);
        }
        sink.Finish();
        await writing.ConfigureAwait(false);
        await QuitAsync(stream, reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a poll with nothing new must at least do: USER/PASS, UIDL, LIST, QUIT. Returns the messages listed.</summary>
    public static async Task<int> ListAsync(string host, int port, string user, string password, CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new ProtocolReader(stream);
        await LoginAsync(stream, reader, user, password, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync("UIDL\r\nLIST\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var listed = 0;
        foreach (var command in new[] { "UIDL", "LIST" })
        {
            Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), command);
            listed = 0;
            while (!(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Span.SequenceEqual(".\r\n"u8)) listed++;
        }
        await QuitAsync(stream, reader, cancellationToken).ConfigureAwait(false);
        return listed;
    }

    private static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<Stream> TlsAsync(NetworkStream inner, string host, X509Certificate2 trust, CancellationToken cancellationToken)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(trust);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            CertificateChainPolicy = policy,
        }, cancellationToken).ConfigureAwait(false);
        return tls;
    }

    private static async Task LoginAsync(Stream stream, ProtocolReader reader, string user, string password, CancellationToken cancellationToken)
    {
        Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), "greeting");
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"USER {user}\r\n"), cancellationToken).ConfigureAwait(false);
        Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), "USER");
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PASS {password}\r\n"), cancellationToken).ConfigureAwait(false);
        Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), "PASS");
    }

    private static async Task QuitAsync(Stream stream, ProtocolReader reader, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("QUIT\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        Expect(await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false), "QUIT");
    }

    private static void Expect(ReadOnlyMemory<byte> line, string what)
    {
        if (!line.Span.StartsWith("+OK"u8))
            throw new InvalidDataException($"POP3 {what}: {Encoding.Latin1.GetString(line.Span).TrimEnd()}");
    }
}
