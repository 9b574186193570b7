using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Testing.Net;

/// <summary>
/// A loopback TCP proxy in front of a real server. It counts connections (now, peak, total) for
/// connection-cap tests, and can break them on purpose: drop every connection once the server has sent
/// N more bytes ("connection lost mid-drain"), or stall them (the server "stops answering"). It also records
/// every client's source address, counts connection attempts (accepted or refused), and can slow the server down.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly Lock _budgetGate = new();
    private readonly Task _acceptLoop;
    private int _nextId;
    private int _active;
    private int _peak;
    private int _total;
    private int _attempts;
    private int _activeMarked;
    private int _peakMarked;
    private readonly ConcurrentQueue<ClientSpan> _clientSpans = new();
    private readonly ConcurrentQueue<IPAddress> _clientAddresses = new();
    private long _bytesFromServer;
    private long _bytesFromClient;
    private long? _budget;
    private bool _stallWhenSpent;
    private bool _stalled;

    private TcpProxy(IPEndPoint target, IPAddress listen)
    {
        _target = target;
        _listener = new TcpListener(listen, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Starts a proxy on a free loopback port forwarding to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static TcpProxy Start(string targetHost, int targetPort) => Start(targetHost, targetPort, IPAddress.Loopback);

    /// <summary>Starts a proxy on a free port of <paramref name="listen"/> (another loopback address, 127.0.0.5 say).</summary>
    public static TcpProxy Start(string targetHost, int targetPort, IPAddress listen) =>
        new(new IPEndPoint(IPAddress.Parse(targetHost), targetPort), listen);

    public string Host => ((IPEndPoint)_listener.LocalEndpoint).Address.ToString();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections open now.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>The most connections that were open at the same time.</summary>
    public int PeakConnections => Volatile.Read(ref _peak);

    /// <summary>Connections accepted since start.</summary>
    public int TotalConnections => Volatile.Read(ref _total);

    public long BytesFromServer => Interlocked.Read(ref _bytesFromServer);

    public long BytesFromClient => Interlocked.Read(ref _bytesFromClient);

    /// <summary>
    /// Bytes that mark a session from the moment its client sends them (within one read: a short command such as
    /// <c>" IDLE\r\n"</c> of a clear-text session) until it closes; null: nothing is marked. Set before clients connect.
    /// </summary>
    public byte[]? ClientMarker { get; set; }

    /// <summary>Open sessions whose client has sent <see cref="ClientMarker"/>.</summary>
    public int ActiveMarked => Volatile.Read(ref _activeMarked);

    /// <summary>The most marked sessions that were open at the same time.</summary>
    public int PeakMarked => Volatile.Read(ref _peakMarked);

    /// <summary>Connections clients opened, including those refused (<see cref="RejectNewConnections"/>).</summary>
    public int ConnectionAttempts => Volatile.Read(ref _attempts);

    /// <summary>
    /// The most clients connected at the same time, each counted from its accept until the proxy reads the client's own
    /// close (not until the server's side has closed too): the sessions clients ran at once. The proxy notices a close
    /// and an accept a little late, each by its own scheduling delay, so a session counts as ended
    /// <paramref name="noticeDelay"/> before the proxy noticed; a real overlap lasts longer than that.
    /// </summary>
    public int PeakClientSessions(TimeSpan noticeDelay)
    {
        var now = Stopwatch.GetTimestamp();
        var shift = (long)(noticeDelay.TotalSeconds * Stopwatch.Frequency);
        var events = new List<(long At, int Step)>();
        foreach (var span in _clientSpans)
        {
            var end = span.End is 0 ? now : span.End - shift;
            if (end <= span.Start) continue;
            events.Add((span.Start, 1));
            events.Add((end, -1));
        }
        int open = 0, peak = 0;
        foreach (var (_, step) in events.OrderBy(e => e.At).ThenBy(e => e.Step))
            peak = Math.Max(peak, open += step);
        return peak;
    }

    /// <summary>The source address of every connection accepted (refused ones included), in accept order.</summary>
    public IReadOnlyList<IPAddress> ClientAddresses => [.. _clientAddresses];

    /// <summary>Each chunk the server sends is forwarded this much later (a slow server, or a long link).</summary>
    public TimeSpan ServerDelay { get; set; }

    /// <summary>When true, new connections are accepted and closed at once (a server that hangs up).</summary>
    public bool RejectNewConnections { get; set; }

    /// <summary>Restarts the peak count from the connections open now.</summary>
    public void ResetPeak() => Volatile.Write(ref _peak, ActiveConnections);

    /// <summary>
    /// After the server has sent <paramref name="bytes"/> more bytes (across all connections), forward exactly
    /// that many and then reset every open connection. One shot: later connections pass normally.
    /// </summary>
    public void DropAfterServerBytes(long bytes) => Arm(bytes, stall: false);

    /// <summary>
    /// After the server has sent <paramref name="bytes"/> more bytes, forward nothing more from the server
    /// (connections stay open, silent) until <see cref="Resume"/> or <see cref="DropAll"/>.
    /// </summary>
    public void StallAfterServerBytes(long bytes) => Arm(bytes, stall: true);

    /// <summary>Ends a stall; held-back data is lost for connections that were stalled (they are reset).</summary>
    public void Resume()
    {
        lock (_budgetGate)
        {
            var wasStalled = _stalled;
            _stalled = false;
            _budget = null;
            if (wasStalled) DropAll();
        }
    }

    /// <summary>Resets every open connection now (RST to both sides).</summary>
    public void DropAll()
    {
        foreach (var link in _links.Values) link.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        try { await _acceptLoop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private void Arm(long bytes, bool stall)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_budgetGate)
        {
            _budget = bytes;
            _stallWhenSpent = stall;
            _stalled = false;
        }
    }

    /// <summary>How many of <paramref name="available"/> server bytes may pass; triggers the drop or stall when the budget is spent.</summary>
    private int TakeServerBudget(int available, out bool dropNow, out bool stalled)
    {
        lock (_budgetGate)
        {
            dropNow = false;
            stalled = _stalled;
            if (_stalled) return 0;
            if (_budget is not { } left) return available;
            var pass = (int)Math.Min(left, available);
            left -= pass;
            _budget = left;
            if (left == 0)
            {
                if (_stallWhenSpent) _stalled = true;
                else { _budget = null; dropNow = true; }
            }
            return pass;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref _attempts);
            if (client.RemoteEndPoint is IPEndPoint from) _clientAddresses.Enqueue(from.Address);
            if (RejectNewConnections)
            {
                client.Close(0);
                continue;
            }
            var span = new ClientSpan(Stopwatch.GetTimestamp());
            _clientSpans.Enqueue(span);
            _ = Task.Run(() => ServeAsync(client, span));
        }
    }

    private async Task ServeAsync(Socket client, ClientSpan span)
    {
        var id = Interlocked.Increment(ref _nextId);
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var link = new Link(client, server);
        try
        {
            await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            span.Close();
            link.Abort();
            return;
        }
        _links[id] = link;
        Interlocked.Increment(ref _total);
        var now = Interlocked.Increment(ref _active);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
        try
        {
            var up = PumpAsync(client, server, fromServer: false, link)
                .ContinueWith(_ => span.Close(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var down = PumpAsync(server, client, fromServer: true, link);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            // One side closed: finish the other direction politely, then close both.
            await Task.WhenAll(up, down).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            _links.TryRemove(id, out _);
            Interlocked.Decrement(ref _active);
            if (link.Unmark()) Interlocked.Decrement(ref _activeMarked);
            link.Close();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromServer, Link link)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (!fromServer)
                {
                    Interlocked.Add(ref _bytesFromClient, n);
                    if (ClientMarker is { } marker && buffer.AsSpan(0, n).IndexOf(marker) >= 0 && link.Mark())
                    {
                        var now = Interlocked.Increment(ref _activeMarked);
                        int peak;
                        while (now > (peak = Volatile.Read(ref _peakMarked)) && Interlocked.CompareExchange(ref _peakMarked, now, peak) != peak) { }
                    }
                    await SendAllAsync(to, buffer.AsMemory(0, n)).ConfigureAwait(false);
                    continue;
                }
                if (ServerDelay > TimeSpan.Zero) await Task.Delay(ServerDelay, _stop.Token).ConfigureAwait(false);
                var pass = TakeServerBudget(n, out var dropNow, out var stalled);
                if (pass > 0)
                {
                    Interlocked.Add(ref _bytesFromServer, pass);
                    await SendAllAsync(to, buffer.AsMemory(0, pass)).ConfigureAwait(false);
                }
                if (dropNow)
                {
                    DropAll();
                    return;
                }
                if (stalled || pass < n)
                {
                    // Stalled: swallow the server's output until the connection is dropped or resumed.
                    while (true)
                    {
                        n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                        if (n == 0) return;
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The link was dropped or the proxy stopped.
        }
    }

    private static async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            var sent = await to.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>When a client connection was accepted, and when its client side closed (0: still open); Stopwatch ticks.</summary>
    private sealed class ClientSpan(long start)
    {
        private long _end;
        public long Start { get; } = start;
        public long End => Interlocked.Read(ref _end);
        public void Close() => Interlocked.CompareExchange(ref _end, Stopwatch.GetTimestamp(), 0);
    }

    private sealed class Link(Socket client, Socket server)
    {
        private int _closed;
        private int _marked; // 0 not yet, 1 marked, 2 ended

        /// <summary>True the first time, unless the session has ended already.</summary>
        public bool Mark() => Interlocked.CompareExchange(ref _marked, 1, 0) == 0;

        /// <summary>The session ended: true when it was marked.</summary>
        public bool Unmark() => Interlocked.Exchange(ref _marked, 2) == 1;

        /// <summary>Resets both sockets (linger 0 sends RST), so each side sees the connection break.</summary>
        public void Abort()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            foreach (var s in new[] { client, server })
            {
                try { s.LingerState = new LingerOption(true, 0); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
                s.Dispose();
            }
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            client.Dispose();
            server.Dispose();
        }
    }
}
