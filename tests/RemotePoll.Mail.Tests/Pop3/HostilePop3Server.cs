using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>
/// A loopback POP3 server that misbehaves on purpose, for what Dovecot will not do: bad greetings, endless
/// lines, truncated answers, silence, a missing UIDL, AUTH MSN. Each connection runs the script given;
/// <see cref="ServeAsync"/> is a plain maildrop the scripts can build on. Everything stops on dispose.
/// </summary>
internal sealed class HostilePop3Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly ConcurrentQueue<string> _received = new();
    private readonly Func<Connection, Task> _script;
    private readonly Task _accepting;

    public HostilePop3Server(Func<Connection, Task> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every line any client sent, in order.</summary>
    public IReadOnlyList<string> Received => _received.ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var s in _sockets) s.Dispose();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    /// <summary>
    /// A plain maildrop: greeting, CAPA, USER/PASS/APOP, STAT, LIST, UIDL, RETR, DELE, QUIT. The hook sees each
    /// command first and returns true when it answered it itself.
    /// </summary>
    public static async Task ServeAsync(Connection c, Maildrop drop, Func<string, Task<bool>>? hook = null)
    {
        await c.SendAsync(drop.Greeting + "\r\n");
        while (await c.ReadLineAsync() is { } line)
        {
            if (hook is not null && await hook(line)) continue;
            var parts = line.Split(' ', 2);
            var verb = parts[0].ToUpperInvariant();
            var arg = parts.Length > 1 ? parts[1] : null;
            var n = int.TryParse(arg, out var v) ? v : 0;
            switch (verb)
            {
                case "CAPA":
                    await c.SendAsync("+OK\r\n" + string.Concat(drop.Capabilities.Select(x => x + "\r\n")) + ".\r\n");
                    break;
                case "USER" or "APOP" or "NOOP" or "RSET":
                    await c.SendAsync("+OK\r\n");
                    break;
                case "PASS":
                    await c.SendAsync(arg == drop.Password ? "+OK logged in\r\n" : "-ERR [AUTH] wrong password\r\n");
                    break;
                case "STAT":
                    await c.SendAsync($"+OK {drop.Messages.Count} {drop.Messages.Sum(m => m.Length)}\r\n");
                    break;
                case "LIST" when arg is null:
                    await c.SendAsync("+OK\r\n" + string.Concat(drop.Messages.Select((m, i) => $"{i + 1} {m.Length}\r\n")) + ".\r\n");
                    break;
                case "LIST":
                    await c.SendAsync($"+OK {n} {drop.Messages[n - 1].Length}\r\n");
                    break;
                case "UIDL" when !drop.Uidl:
                    await c.SendAsync("-ERR unknown command\r\n");
                    break;
                case "UIDL" when arg is null:
                    await c.SendAsync("+OK\r\n" + string.Concat(drop.Messages.Select((_, i) => $"{i + 1} uid-{i + 1}\r\n")) + ".\r\n");
                    break;
                case "UIDL":
                    await c.SendAsync($"+OK {n} uid-{n}\r\n");
                    break;
                case "RETR":
                    await c.SendAsync("+OK\r\n" + DotStuff(drop.Messages[n - 1]) + ".\r\n");
                    break;
                case "DELE":
                    await c.SendAsync("+OK deleted\r\n");
                    break;
                case "QUIT":
                    await c.SendAsync("+OK bye\r\n");
                    return;
                default:
                    await c.SendAsync("-ERR unknown command\r\n");
                    break;
            }
        }
    }

    public static string DotStuff(string message) =>
        string.Concat(message.Split("\r\n").SkipLast(1).Select(l => (l.StartsWith('.') ? "." + l : l) + "\r\n"));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _sockets.Add(socket);
            _ = Task.Run(async () =>
            {
                try { await _script(new Connection(socket, _received, _stop.Token)); }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
                finally { socket.Dispose(); }
            });
        }
    }

    internal sealed class Maildrop
    {
        public string Greeting { get; init; } = "+OK hostile POP3 ready";
        public string Password { get; init; } = "secret";
        public bool Uidl { get; init; } = true;
        public string[] Capabilities { get; init; } = ["USER", "UIDL", "PIPELINING"];
        public List<string> Messages { get; init; } = [];
    }

    internal sealed class Connection(Socket socket, ConcurrentQueue<string> received, CancellationToken stop)
    {
        private readonly byte[] _buffer = new byte[4096];
        private readonly StringBuilder _line = new();
        private int _start;
        private int _end;

        public CancellationToken Stopping => stop;

        public async Task SendAsync(string text) => await SendAsync(Encoding.Latin1.GetBytes(text));

        public async Task SendAsync(byte[] data) => await socket.SendAsync(data, SocketFlags.None, stop);

        /// <summary>The next line the client sent, without CRLF; null when it closed.</summary>
        public async Task<string?> ReadLineAsync()
        {
            _line.Clear();
            while (true)
            {
                while (_start < _end)
                {
                    var c = (char)_buffer[_start++];
                    if (c == '\n')
                    {
                        var line = _line.ToString().TrimEnd('\r');
                        received.Enqueue(line);
                        return line;
                    }
                    if (_line.Length < 8192) _line.Append(c);
                }
                _start = 0;
                _end = await socket.ReceiveAsync(_buffer, SocketFlags.None, stop);
                if (_end == 0) return null;
            }
        }

        /// <summary>Waits until the client goes away (or the server stops), answering nothing.</summary>
        public async Task StaySilentAsync()
        {
            while (await ReadLineAsync() is not null) { }
        }

        /// <summary>Closes with RST: the client sees the connection break.</summary>
        public void Abort()
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }
}
