using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// A scripted LMTP server on 127.0.0.1 or a Unix socket, for what a real server will not do on purpose:
/// answer 4xx, stall, break off, or speak garbage. It also records what the client sent and whether the
/// client sent ahead of a reply.
/// </summary>
internal sealed class FakeLmtpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public FakeLmtpServer(string? unixSocketPath = null)
    {
        if (unixSocketPath is null)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = _listener.LocalEndPoint!;
        }
        else
        {
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            EndPoint = new UnixDomainSocketEndPoint(unixSocketPath);
            _listener.Bind(EndPoint);
        }
        _listener.Listen();
        _accepting = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public string Greeting { get; set; } = "220 fake.test LMTP ready";
    /// <summary>Speak SMTP: EHLO instead of LHLO, one reply per message after the final dot.</summary>
    public bool Smtp { get; set; }
    public List<string> Extensions { get; set; } = ["PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME"];
    public Func<string, string> RcptReply { get; set; } = _ => "250 2.1.5 OK";
    /// <summary>The reply after the final dot for each accepted recipient, given its address and the message number (1-based).</summary>
    public Func<string, int, string> FinalReply { get; set; } = (_, _) => "250 2.0.0 Saved";
    public TimeSpan FinalReplyDelay { get; set; }
    /// <summary>Close the connection instead of answering the final dot of this message number.</summary>
    public int? CloseAtMessage { get; set; }
    /// <summary>Sent verbatim instead of the LHLO reply.</summary>
    public string? RawLhloReply { get; set; }

    public ConcurrentQueue<string> Commands { get; } = new();
    public ConcurrentQueue<byte[]> Messages { get; } = new();
    /// <summary>For each message's final dot: whether the client's next command had arrived before we answered.</summary>
    public ConcurrentQueue<bool> NextCommandBeforeFinalReply { get; } = new();
    /// <summary>How long to wait, after a final dot, for the client's next command before answering.</summary>
    public TimeSpan PipelineProbe { get; set; }
    /// <summary>Commands that arrived before the reply to the previous one although PIPELINING was not offered.</summary>
    public ConcurrentQueue<string> UnpermittedPipelining { get; } = new();
    public int Connections => _connections;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try { await _accepting; } catch (Exception) { }
        if (EndPoint is UnixDomainSocketEndPoint u) File.Delete(u.ToString());
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    try { await SessionAsync(new Connection(socket), _stop.Token); }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
                }
            });
        }
    }

    private async Task SessionAsync(Connection c, CancellationToken ct)
    {
        await c.WriteAsync(Greeting, ct);
        if (!Greeting.StartsWith("220", StringComparison.Ordinal)) return;
        var pipelining = Extensions.Contains("PIPELINING");
        var accepted = new List<string>();
        var messageNumber = 0;
        var mailOk = false;
        while (true)
        {
            var line = await c.ReadLineAsync(ct);
            if (line is null) return;
            Commands.Enqueue(line);
            if (!pipelining && c.HasBufferedInput) UnpermittedPipelining.Enqueue(line);
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "LHLO" or "EHLO":
                    if ((verb == "EHLO") != Smtp) { await c.WriteAsync("500 5.5.1 Wrong greeting command", ct); break; }
                    if (RawLhloReply is not null) { await c.WriteAsync(RawLhloReply, ct); break; }
                    var lines = new[] { "fake.test" }.Concat(Extensions).ToArray();
                    for (var i = 0; i < lines.Length; i++)
                        await c.WriteAsync($"250{(i == lines.Length - 1 ? ' ' : '-')}{lines[i]}", ct);
                    break;
                case "MAIL":
                    mailOk = true;
                    accepted.Clear();
                    await c.WriteAsync("250 2.1.0 OK", ct);
                    break;
                case "RCPT":
                    var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                    var reply = mailOk ? RcptReply(address) : "503 5.5.1 MAIL needed first";
                    if (reply.StartsWith('2')) accepted.Add(address);
                    await c.WriteAsync(reply, ct);
                    break;
                case "DATA":
                    if (accepted.Count == 0) { await c.WriteAsync("503 5.5.1 No valid recipients", ct); break; }
                    await c.WriteAsync("354 OK", ct);
                    Messages.Enqueue(await c.ReadDataAsync(ct));
                    messageNumber++;
                    if (CloseAtMessage == messageNumber) return;
                    NextCommandBeforeFinalReply.Enqueue(await c.WaitForInputAsync(PipelineProbe, ct));
                    if (FinalReplyDelay > TimeSpan.Zero) await Task.Delay(FinalReplyDelay, ct);
                    foreach (var a in Smtp ? accepted.Take(1) : accepted) await c.WriteAsync(FinalReply(a, messageNumber), ct);
                    mailOk = false;
                    accepted.Clear();
                    break;
                case "RSET":
                    mailOk = false;
                    accepted.Clear();
                    await c.WriteAsync("250 2.0.0 OK", ct);
                    break;
                case "NOOP":
                    await c.WriteAsync("250 2.0.0 OK", ct);
                    break;
                case "QUIT":
                    await c.WriteAsync("221 2.0.0 Bye", ct);
                    return;
                default:
                    await c.WriteAsync("500 5.5.2 Unknown command", ct);
                    break;
            }
        }
    }

    /// <summary>Byte-level line reading over a socket, so the DATA section is seen exactly as sent.</summary>
    private sealed class Connection(Socket socket)
    {
        private readonly NetworkStream _stream = new(socket);
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public bool HasBufferedInput => _end > _start || socket.Available > 0;

        public Task WriteAsync(string line, CancellationToken ct) =>
            _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct).AsTask();

        public async Task<bool> WaitForInputAsync(TimeSpan timeout, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!HasBufferedInput && DateTime.UtcNow < deadline) await Task.Delay(5, ct);
            return HasBufferedInput;
        }

        public async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            var bytes = await ReadRawLineAsync(ct);
            return bytes is null ? null : Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n');
        }

        /// <summary>The DATA section up to (not including) the ".\r\n" line, still dot-stuffed.</summary>
        public async Task<byte[]> ReadDataAsync(CancellationToken ct)
        {
            var data = new MemoryStream();
            while (await ReadRawLineAsync(ct) is { } line)
            {
                if (line is [(byte)'.', (byte)'\r', (byte)'\n']) break;
                data.Write(line);
            }
            return data.ToArray();
        }

        private async Task<byte[]?> ReadRawLineAsync(CancellationToken ct)
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await _stream.ReadAsync(_buffer, ct);
                    if (_end == 0) return null;
                }
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = lf < 0 ? _end : lf + 1;
                line.Write(_buffer, _start, stop - _start);
                _start = stop;
                if (lf >= 0) return line.ToArray();
            }
        }
    }
}
