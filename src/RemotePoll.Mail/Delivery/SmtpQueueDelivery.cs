using System.Net;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Queue delivery over SMTP (<c>smtp://host:port</c>), for a local MTA that applies the rules. It is the LMTP path
/// speaking SMTP (<see cref="LmtpClient"/>'s SMTP dialect, <see cref="LmtpQueueDelivery"/>'s sessions): a batch goes
/// over several sessions at once, at most <see cref="MaxSessions"/> to this target for all callers together, each
/// pipelined where the server offers PIPELINING (RFC 2920) and with BDAT where it offers CHUNKING (RFC 3030).
/// SMTP answers once per message after its data, so every recipient accepted at RCPT shares that answer, and a 250
/// means the MTA has queued the message durably (RFC 5321); a recipient refused at RCPT keeps its own reply.
/// The message bytes go as retrieved (CRLF line ends, dot-stuffed for DATA). DSN NOTIFY/RET/ORCPT go out only
/// when the server advertises DSN.
/// </summary>
public sealed class SmtpQueueDelivery : IQueueDelivery, IAsyncDisposable
{
    private readonly LmtpQueueDelivery _sessions;

    /// <param name="maxSessions">Sessions open to this target at most, in use or idle, across all callers
    /// (<c>remotepoll.delivery-sessions</c>).</param>
    public SmtpQueueDelivery(string host, int port, SmtpQueueOptions? options = null, int maxSessions = LmtpQueueDelivery.DefaultMaxSessions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var smtp = options ?? new SmtpQueueOptions();
        EndPoint endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        // One timeout for every read and write, the final reply included, as before (MailKit's Timeout).
        var session = new LmtpClientOptions
        {
            LocalName = smtp.LocalDomain,
            ConnectTimeout = smtp.ConnectTimeout,
            CommandTimeout = smtp.CommandTimeout,
            DataTimeout = smtp.CommandTimeout,
        };
        _sessions = new LmtpQueueDelivery(endPoint, () => new LmtpClient(endPoint, session, smtp, host), smtp.MaxIdleSessions, maxSessions)
        {
            IdleTimeout = smtp.IdleTimeout,
        };
    }

    /// <summary>The most sessions open to this target at once.</summary>
    public int MaxSessions => _sessions.MaxSessions;

    public bool AdvertisesDsn => _sessions.AdvertisesDsn;

    public Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken) =>
        _sessions.DeliverBatchAsync(batch, cancellationToken);

    /// <summary>MAIL FROM:&lt;&gt;, RCPT and RSET: a transaction that never reaches DATA.</summary>
    /// <exception cref="DeliveryUnavailableException">The server could not be asked or answered 4xx.</exception>
    public Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken) =>
        _sessions.AcceptsRecipientAsync(address, cancellationToken);

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();
}
