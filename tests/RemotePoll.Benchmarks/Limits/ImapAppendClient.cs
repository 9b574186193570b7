using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The IMAP store limit: the least a client can do to put messages into Dovecot over IMAP. LOGIN (as the master user
/// for the account, as the store does), per folder CREATE and then every APPEND written at once with LITERAL+
/// (RFC 7888: no wait for a continuation), while the tagged answers are read as they come. Plain TCP on loopback.
/// </summary>
internal static class ImapAppendClient
{
    public static async Task AppendFoldersAsync(string host, int port, string login, string password,
        IReadOnlyList<(string Folder, IReadOnlyList<byte[]> Messages)> folders, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new ProtocolReader(stream);
        var tag = 0;
        var greeting = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (!greeting.Span.StartsWith("* OK"u8)) throw new InvalidDataException("IMAP greeting: " + Encoding.Latin1.GetString(greeting.Span));
        await SendAsync(Encoding.ASCII.GetBytes($"b{++tag} LOGIN \"{login}\" \"{password}\"\r\n")).ConfigureAwait(false);
        await ExpectOkAsync(1).ConfigureAwait(false);
        foreach (var (folder, messages) in folders)
        {
            await SendAsync(Encoding.ASCII.GetBytes($"b{++tag} CREATE \"{folder}\"\r\n")).ConfigureAwait(false);
            await ExpectOkAsync(1).ConfigureAwait(false);
            var writing = Task.Run(async () =>
            {
                foreach (var m in messages)
                {
                    await SendAsync(Encoding.ASCII.GetBytes($"b{Interlocked.Increment(ref tag)} APPEND \"{folder}\" {{{m.Length}+}}\r\n")).ConfigureAwait(false);
                    await SendAsync(m).ConfigureAwait(false);
                    await SendAsync("\r\n"u8.ToArray()).ConfigureAwait(false);
                }
            }, cancellationToken);
            await ExpectOkAsync(messages.Count).ConfigureAwait(false);
            await writing.ConfigureAwait(false);
        }
        await SendAsync(Encoding.ASCII.GetBytes($"b{++tag} LOGOUT\r\n")).ConfigureAwait(false);

        Task SendAsync(byte[] bytes) => stream.WriteAsync(bytes, cancellationToken).AsTask();

        // Reads until this many tagged answers came, each of them OK; untagged lines are skipped.
        async Task ExpectOkAsync(int answers)
        {
            while (answers > 0)
            {
                var line = (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Span;
                if (line.StartsWith("* "u8)) continue;
                var space = line.IndexOf((byte)' ');
                if (space < 0 || !line[(space + 1)..].StartsWith("OK"u8))
                    throw new InvalidDataException("IMAP: " + Encoding.Latin1.GetString(line).TrimEnd());
                answers--;
            }
        }
    }
}
