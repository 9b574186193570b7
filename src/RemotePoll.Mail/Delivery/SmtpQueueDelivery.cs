using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Queue delivery over SMTP (<c>smtp://host:port</c>) with MailKit, for a local MTA that applies the rules.
/// One transaction per message on a reused session; SMTP answers once per message after the final dot, so every
/// accepted recipient shares that answer, and a 250 means the MTA has queued the message durably (RFC 5321).
/// The message bytes are relayed as retrieved: MailKit's re-encoding for 7-bit servers is switched off.
/// DSN NOTIFY/ORCPT go out only when the server advertises DSN (MailKit checks it).
/// </summary>
public sealed class SmtpQueueDelivery : IQueueDelivery, IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly SmtpQueueOptions _options;
    private readonly ConcurrentQueue<(RelayClient Client, long IdleSince)> _idle = new();
    private volatile bool _advertisesDsn;
    private bool _disposed;

    public SmtpQueueDelivery(string host, int port, SmtpQueueOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        _host = host;
        _port = port;
        _options = options ?? new SmtpQueueOptions();
    }

    public bool AdvertisesDsn => _advertisesDsn;

    public async Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        RelayClient client;
        try
        {
            client = await RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUnavailableException e)
        {
            var unavailable = DeliveryOutcome.Temporary("4.4.1 " + e.Message);
            return batch.Select(m => MessageDeliveryResult.AllWith(m, unavailable)).ToArray();
        }
        var results = new MessageDeliveryResult[batch.Count];
        var i = 0;
        try
        {
            for (; i < batch.Count; i++)
                results[i] = await client.RelayAsync(batch[i], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionFailure(e))
        {
            // The message in flight and the rest were not acknowledged.
            var lost = DeliveryOutcome.Temporary($"4.4.2 SMTP {_host}:{_port}: {e.Message}");
            for (; i < batch.Count; i++) results[i] = client.PartialResult(batch[i], lost);
        }
        finally
        {
            if (!Return(client)) await DisposeClientAsync(client).ConfigureAwait(false);
        }
        return results;
    }

    /// <exception cref="DeliveryUnavailableException">The server could not be asked or answered 4xx.</exception>
    public async Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken)
    {
        if (!AddressParts.TrySplit(address, out _, out _, out _)) return false;
        var client = await RentAsync(cancellationToken).ConfigureAwait(false);
        DeliveryOutcome outcome;
        try
        {
            // MAIL FROM:<> and RCPT TO, then RSET: a transaction that never reaches DATA.
            outcome = await client.ProbeAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionFailure(e) || e is SmtpCommandException)
        {
            await DisposeClientAsync(client).ConfigureAwait(false);
            throw new DeliveryUnavailableException($"SMTP {_host}:{_port}: {e.Message}", e);
        }
        if (!Return(client)) await DisposeClientAsync(client).ConfigureAwait(false);
        return outcome.Status switch
        {
            DeliveryStatus.Delivered => true,
            DeliveryStatus.PermanentFailure => false,
            _ => throw new DeliveryUnavailableException($"SMTP {_host}:{_port} cannot verify <{address}> now: {outcome.Reason}"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var entry)) await DisposeClientAsync(entry.Client).ConfigureAwait(false);
    }

    private static bool IsSessionFailure(Exception e) =>
        e is IOException or System.Net.Sockets.SocketException or TimeoutException or SmtpProtocolException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or ObjectDisposedException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    private async Task<RelayClient> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_idle.TryDequeue(out var entry))
        {
            if (Environment.TickCount64 - entry.IdleSince <= _options.IdleTimeout.TotalMilliseconds && entry.Client.IsConnected)
            {
                try
                {
                    await entry.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
                    return entry.Client;
                }
                catch (Exception e) when (IsSessionFailure(e) || e is SmtpCommandException) { }
            }
            await DisposeClientAsync(entry.Client).ConfigureAwait(false);
        }
        var client = new RelayClient { Timeout = (int)_options.CommandTimeout.TotalMilliseconds };
        if (_options.LocalDomain is { } local) client.LocalDomain = local;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(_options.ConnectTimeout);
            await client.ConnectAsync(_host, _port, _options.Security, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSessionFailure(e) || e is SmtpCommandException or SslHandshakeException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            throw new DeliveryUnavailableException($"SMTP {_host}:{_port}: {e.Message}", e);
        }
        _advertisesDsn = client.Capabilities.HasFlag(SmtpCapabilities.Dsn);
        return client;
    }

    private bool Return(RelayClient client)
    {
        if (_disposed || !client.IsConnected || _idle.Count >= _options.MaxIdleSessions) return false;
        _idle.Enqueue((client, Environment.TickCount64));
        return true;
    }

    private static async Task DisposeClientAsync(RelayClient client)
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (client.IsConnected) await client.DisconnectAsync(true, quick.Token).ConfigureAwait(false);
        }
        catch (Exception) { /* the session ends either way */ }
        client.Dispose();
    }

    /// <summary>
    /// MailKit's SmtpClient, made to report per-recipient refusals instead of throwing, to ask for the envelope's
    /// DSN choice per recipient, and to leave the message bytes as they are.
    /// </summary>
    private sealed class RelayClient : SmtpClient
    {
        private MessageToDeliver? _current;
        private Dictionary<MailboxAddress, int>? _indexOf;
        private DeliveryOutcome?[]? _outcomes;

        public async Task<MessageDeliveryResult> RelayAsync(MessageToDeliver message, CancellationToken cancellationToken)
        {
            var (sender, recipients) = Begin(message);
            if (sender is not null && recipients.Count > 0)
            {
                MimeMessage mime;
                try
                {
                    mime = await MimeMessage.LoadAsync(new MemoryStream(message.Content.ToArray(), writable: false), cancellationToken).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    return Finish(message, DeliveryOutcome.Permanent($"5.6.0 the message cannot be parsed for SMTP: {e.Message}"));
                }
                try
                {
                    await SendAsync(FormatOptions.Default, mime, sender, recipients, cancellationToken).ConfigureAwait(false);
                    foreach (var r in recipients) _outcomes![_indexOf![r]] ??= DeliveryOutcome.Delivered;
                }
                catch (SmtpCommandException e)
                {
                    // MAIL, DATA or the final reply refused: every recipient still open shares the answer.
                    var outcome = OutcomeOf(e.StatusCode, e.Message);
                    foreach (var r in recipients) _outcomes![_indexOf![r]] ??= outcome;
                }
            }
            return Finish(message, null);
        }

        /// <summary>MAIL FROM:&lt;&gt; and RCPT for one address, then RSET.</summary>
        public async Task<DeliveryOutcome> ProbeAsync(string address, CancellationToken cancellationToken)
        {
            try
            {
                var reply = await SendCommandAsync("MAIL FROM:<>", cancellationToken).ConfigureAwait(false);
                if ((int)reply.StatusCode is < 200 or >= 300) return OutcomeOf(reply.StatusCode, reply.Response);
                reply = await SendCommandAsync($"RCPT TO:<{address}>", cancellationToken).ConfigureAwait(false);
                return OutcomeOf(reply.StatusCode, reply.Response);
            }
            finally
            {
                await SendCommandAsync("RSET", cancellationToken).ConfigureAwait(false);
            }
        }

        public MessageDeliveryResult PartialResult(MessageToDeliver message, DeliveryOutcome missing) =>
            ReferenceEquals(message, _current) ? Finish(message, missing) : MessageDeliveryResult.AllWith(message, missing);

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            _outcomes![_indexOf![mailbox]] = OutcomeOf(response.StatusCode, response.Response);

        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            // MailKit throws MessageNotAccepted next; every recipient already has its refusal.
        }

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
            _current!.Envelope.Recipients[_indexOf![mailbox]].Notify switch
            {
                DsnNotify.Never => DeliveryStatusNotification.Never,
                DsnNotify.Failure => DeliveryStatusNotification.Failure,
                _ => null,
            };

        // The bytes go as retrieved: no re-encoding to 7 bit, no reformatted headers.
        protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
        {
        }

        private (MailboxAddress? Sender, List<MailboxAddress> Recipients) Begin(MessageToDeliver message)
        {
            _current = message;
            var envelope = message.Envelope;
            _outcomes = new DeliveryOutcome?[envelope.Recipients.Count];
            _indexOf = new Dictionary<MailboxAddress, int>(ReferenceEqualityComparer.Instance);
            DeliveryStatusNotificationType = envelope.Return switch
            {
                DsnReturn.Full => DeliveryStatusNotificationType.Full,
                DsnReturn.Headers => DeliveryStatusNotificationType.HeadersOnly,
                _ => DeliveryStatusNotificationType.Unspecified,
            };
            MailboxAddress? sender;
            if (string.IsNullOrEmpty(envelope.Sender)) sender = new MailboxAddress("", "");
            else if (!AddressParts.TrySplit(envelope.Sender, out _, out _, out var why) || !TryMailbox(envelope.Sender, out sender))
            {
                Array.Fill(_outcomes, DeliveryOutcome.Permanent($"5.1.7 sender <{envelope.Sender}> {(why.Length > 0 ? why : "cannot be parsed")}"));
                return (null, []);
            }
            var recipients = new List<MailboxAddress>();
            for (var r = 0; r < _outcomes.Length; r++)
            {
                var address = envelope.Recipients[r].Address;
                if (!AddressParts.TrySplit(address, out _, out _, out var reason) || !TryMailbox(address, out var mailbox))
                {
                    _outcomes[r] = DeliveryOutcome.Permanent($"5.1.3 <{address}> {(reason.Length > 0 ? reason : "cannot be parsed")}");
                    continue;
                }
                _indexOf[mailbox] = r;
                recipients.Add(mailbox);
            }
            return (sender, recipients);
        }

        private MessageDeliveryResult Finish(MessageToDeliver message, DeliveryOutcome? missing)
        {
            var outcomes = _outcomes!;
            _current = null;
            return new MessageDeliveryResult(message, message.Envelope.Recipients
                .Select((rcpt, r) => new RecipientOutcome(rcpt, outcomes[r] ?? missing ?? DeliveryOutcome.Temporary("4.4.2 no reply for this recipient")))
                .ToArray());
        }

        private static bool TryMailbox(string address, out MailboxAddress mailbox)
        {
            try
            {
                mailbox = new MailboxAddress("", address);
                return true;
            }
            catch (ParseException)
            {
                mailbox = null!;
                return false;
            }
        }

        private static DeliveryOutcome OutcomeOf(SmtpStatusCode code, string text)
        {
            var reply = $"{(int)code} {text}".TrimEnd();
            return (int)code switch
            {
                >= 200 and < 300 => DeliveryOutcome.Delivered,
                >= 400 and < 500 => DeliveryOutcome.Temporary(reply),
                _ => DeliveryOutcome.Permanent(reply),
            };
        }
    }
}
