using System.Collections.Concurrent;
using System.Net;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Queue delivery over LMTP (<c>lmtp://host:port</c> or <c>lmtp:/path</c>): the local mail system applies its
/// rules. Each batch runs on one session; idle sessions are kept for the next batch (checked with RSET first,
/// dropped after <see cref="IdleTimeout"/>), so concurrent callers each get their own.
/// </summary>
public sealed class LmtpQueueDelivery : IQueueDelivery, IAsyncDisposable
{
    private readonly EndPoint _endPoint;
    private readonly LmtpClientOptions _options;
    private readonly int _maxIdleSessions;
    private readonly ConcurrentQueue<(LmtpClient Client, long IdleSince)> _idle = new();
    private volatile bool _advertisesDsn;
    private bool _disposed;

    public LmtpQueueDelivery(EndPoint endPoint, LmtpClientOptions? options = null, int maxIdleSessions = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIdleSessions);
        _endPoint = endPoint;
        _options = options ?? LmtpClientOptions.Default;
        _maxIdleSessions = maxIdleSessions;
    }

    /// <summary>How long an unused session is kept for reuse.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool AdvertisesDsn => _advertisesDsn;

    public async Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        LmtpClient client;
        try
        {
            client = await RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUnavailableException e)
        {
            var unavailable = DeliveryOutcome.Temporary("4.4.1 " + e.Message);
            return batch.Select(m => MessageDeliveryResult.AllWith(m, unavailable)).ToArray();
        }
        var returned = false;
        try
        {
            var results = await client.DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
            returned = Return(client);
            return results;
        }
        finally
        {
            if (!returned) await client.DisposeAsync().ConfigureAwait(false);
        }
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
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var entry)) await entry.Client.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<LmtpClient> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        var client = new LmtpClient(_endPoint, _options);
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
