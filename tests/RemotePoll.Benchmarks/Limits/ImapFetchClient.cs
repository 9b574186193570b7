using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The IMAP limit: LOGIN, then for each folder SELECT and one <c>UID FETCH 1:* (BODY.PEEK[])</c> (or a smaller
/// UID range for the warm-up), each literal
/// read straight into a buffer and handed to the sink; nothing else of the answer is parsed. Plain TCP on loopback.
/// </summary>
internal static class ImapFetchClient
{
    public static async Task FetchFoldersAsync(string host, int port, string user, string password, IReadOnlyList<string> folders,
        string uids, MessageFileSink sink, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new ProtocolReader(stream);
        var literal = new byte[1024 * 1024];
        var tag = 0;

        var greeting = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (!greeting.Span.StartsWith("* OK"u8)) throw new InvalidDataException("IMAP greeting: " + Encoding.Latin1.GetString(greeting.Span));
        await CommandAsync($"LOGIN \"{user}\" \"{password}\"").ConfigureAwait(false);
        foreach (var folder in folders)
        {
            await CommandAsync($"SELECT \"{folder}\"").ConfigureAwait(false);
            await CommandAsync($"UID FETCH {uids} (BODY.PEEK[])").ConfigureAwait(false);
        }
        sink.Finish();
        await CommandAsync("LOGOUT").ConfigureAwait(false);

        // Sends one command and reads to its tagged answer; every literal in between is a message.
        async Task CommandAsync(string command)
        {
            var t = $"b{++tag}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{t} {command}\r\n"), cancellationToken).ConfigureAwait(false);
            var tagged = Encoding.ASCII.GetBytes(t + " ");
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                var span = line.Span;
                if (span.StartsWith(tagged))
                {
                    if (!span[tagged.Length..].StartsWith("OK"u8))
                        throw new InvalidDataException($"IMAP {command}: {Encoding.Latin1.GetString(span).TrimEnd()}");
                    return;
                }
                if (span.Length >= 5 && span.EndsWith("}\r\n"u8))
                {
                    var open = span.LastIndexOf((byte)'{');
                    if (open < 0 || !Utf8Parser.TryParse(span[(open + 1)..^3], out int size, out _))
                        throw new InvalidDataException("IMAP literal: " + Encoding.Latin1.GetString(span).TrimEnd());
                    if (size > literal.Length) literal = new byte[size];
                    await reader.ReadExactlyAsync(literal.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                    sink.Write(literal.AsSpan(0, size));
                }
            }
        }
    }
}
