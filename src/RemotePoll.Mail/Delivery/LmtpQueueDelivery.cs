using System.Collections.Concurrent;
using System.Net;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Queue delivery over LMTP (<c>lmtp://host:port</c> or <c>lmtp:/path</c>): the local mail system applies its
/// rules. A batch goes over several sessions at once, each taking the next message when it is ready for one (each
/// pipelined, see <see cref="LmtpClient"/>), because a drain into one session waits for the server's delivery of each
/// message in turn. At most <see cref="MaxSessions"/> sessions to this target are open at any time, for all callers
/// together (the node's bound per target); idle sessions are kept for the next batch (checked with RSET first,
/// dropped after <see cref="IdleTimeout"/>). A batch's results come back only when every recipient of every
/// message has its reply.
/// </summary>
public sealed class LmtpQueueDelivery : IQueueDelivery, IAsyncDisposable
{
    /// <summary>The default bound on sessions per target (<c>remotepoll.lmtp-sessions</c>).</summary>
    public const int DefaultMaxSessions = 4;

    private readonly EndPoint _endPoint;
    private readonly LmtpClientOptions _options;
    private readonly Func<LmtpClient> _newClient;
    private readonly string _peer;
    private readonly int _maxIdleSessions;
    private readonly SemaphoreSlim _sessions;
    private readonly ConcurrentQueue<(LmtpClient Client, long IdleSince)> _idle = new();
    private volatile bool _advertisesDsn;
    private bool _disposed;

    /// <param name="maxSessions">Sessions open to this target at most, in use or idle, across all callers.</param>
    /// <param name="maxIdleSessions">Idle sessions kept for reuse (at most <paramref name="maxSessions"/>).</param>
    public LmtpQueueDelivery(EndPoint endPoint, LmtpClientOptions? options = null, int maxIdleSessions = DefaultMaxSessions,
        int maxSessions = DefaultMaxSessions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIdleSessions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        _endPoint = endPoint;
        _options = options ?? LmtpClientOptions.Default;
        _maxIdleSessions = Math.Min(maxIdleSessions, maxSessions);
        MaxSessions = maxSessions;
        _sessions = new SemaphoreSlim(maxSessions, maxSessions);
        _newClient = () => new LmtpClient(_endPoint, _options);
        _peer = "LMTP " + LmtpClient.Describe(endPoint);
    }

    /// <summary>The same pool of sessions for SMTP clients (<see cref="SmtpQueueDelivery"/>).</summary>
    internal LmtpQueueDelivery(EndPoint endPoint, Func<LmtpClient> newClient, int maxIdleSessions, int maxSessions)
        : this(endPoint, LmtpClientOptions.Default, maxIdleSessions, maxSessions)
    {
        _newClient = newClient;
        _peer = "SMTP " + LmtpClient.Describe(endPoint);
    }

    /// <summary>How long an unused session is kept for reuse.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most sessions open to this target at once.</summary>
    public int MaxSessions { get; }

    public bool AdvertisesDsn => _advertisesDsn;

    public async Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        // Every session takes the next message when it is ready to send one (within a session it travels with the
        // previous dot), so the sessions end the batch together: no slow share or run holds the batch back.
        var sessions = Math.Min(MaxSessions, batch.Count);
        var next = -1;
        // A message a broken session took but had not sent is taken again by another session, once.
        var givenBack = new ConcurrentQueue<int>();
        var retried = new int[batch.Count];
        int Take() => givenBack.TryDequeue(out var i) ? i : Interlocked.Increment(ref next);
        bool GiveBack(int i) => Interlocked.Increment(ref retried[i]) == 1 && Enqueue(givenBack, i);
        bool Left() => !givenBack.IsEmpty || Volatile.Read(ref next) < batch.Count - 1;
        var results = new MessageDeliveryResult?[batch.Count];
        string? unavailable = null;

        async Task WorkAsync()
        {
            while (Left())
            {
                LmtpClient client;
                try
                {
                    client = await RentAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DeliveryUnavailableException e)
                {
                    // The messages no session took are answered below; another session may still take some.
                    unavailable ??= e.Message;
                    return;
                }
                var returned = false;
                try
                {
                    // One session, message after message, until none is left or the session broke.
                    await client.DeliverTakingAsync(batch, Take, results, GiveBack, cancellationToken).ConfigureAwait(false);
                    returned = Return(client);
                }
                finally
                {
                    if (!returned) await client.DisposeAsync().ConfigureAwait(false);
                    _sessions.Release();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => WorkAsync())).ConfigureAwait(false);
        var notSent = DeliveryOutcome.Temporary("4.4.1 " + (unavailable ?? $"{_peer}: no session took the message"));
        return results.Select((r, i) => r ?? MessageDeliveryResult.AllWith(batch[i], notSent)).ToArray();
    }

    private static bool Enqueue(ConcurrentQueue<int> queue, int index)
    {
        queue.Enqueue(index);
        return true;
    }

    /// <exception cref="DeliveryUnavailableException">The LMTP server could not be asked or answered 4xx.</exception>
    public async Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken)
    {
        var client = await RentAsync(cancellationToken).ConfigureAwait(false);
        var returned = false;
        try
        {
            var accepted = await client.VerifyRecipientAsync(address, cancellationToken).ConfigureAwait(false);
            returned = Return(client);
            return accepted;
        }
        finally
        {
            if (!returned) await client.DisposeAsync().ConfigureAwait(false);
            _sessions.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var entry)) await entry.Client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A connected session, holding one of the <see cref="MaxSessions"/> slots until the caller releases it (also
    /// when this throws, the slot is given back). An idle session is reused first, so new connections are made only
    /// while no idle one is left, and idle plus rented sessions never exceed the bound.
    /// </summary>
    private async Task<LmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _sessions.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ConnectOrReuseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _sessions.Release();
            throw;
        }
    }

    private async Task<LmtpClient> ConnectOrReuseAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryDequeue(out var entry))
        {
            if (Environment.TickCount64 - entry.IdleSince <= IdleTimeout.TotalMilliseconds)
            {
                try
                {
                    await entry.Client.ResetAsync(cancellationToken).ConfigureAwait(false);
                    return entry.Client;
                }
                catch (DeliveryUnavailableException) { }
            }
            await entry.Client.DisposeAsync().ConfigureAwait(false);
        }
        var client = _newClient();
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        _advertisesDsn = client.SupportsDsn;
        return client;
    }

    private bool Return(LmtpClient client)
    {
        if (_disposed || !client.IsConnected || _idle.Count >= _maxIdleSessions) return false;
        _idle.Enqueue((client, Environment.TickCount64));
        return true;
    }
}
