using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// An RFC 2033 LMTP client for one connection (TCP or Unix socket). It delivers a batch as one transaction per
/// message on the same connection; with PIPELINING the next message's RSET, MAIL, RCPT and DATA travel with the
/// previous message's final dot, so the only wait per message is the one the protocol requires (for 354).
/// After the final dot the server answers once per accepted recipient; 2xx is delivered, 4xx a temporary and
/// 5xx a permanent failure. Every read and write is bounded in time and every reply line in length.
/// DSN parameters (NOTIFY, RET, ORCPT) are sent only when the server advertises DSN.
/// Not thread-safe: one batch at a time. The same client speaks SMTP for <see cref="SmtpQueueDelivery"/> (LmtpClient.Smtp.cs).
/// </summary>
public sealed partial class LmtpClient : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly LmtpClientOptions _options;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private Socket? _socket;
    private Stream? _stream;
    private ReplyReader? _reader;
    private Dictionary<string, string> _extensions = new(StringComparer.OrdinalIgnoreCase);
    private bool _broken;
    private bool _used;

    public LmtpClient(EndPoint endPoint, LmtpClientOptions? options = null)
    {
        EndPoint = endPoint;
        _options = options ?? LmtpClientOptions.Default;
    }

    public EndPoint EndPoint { get; }

    /// <summary>Connected, greeted, and no failure has made the session unusable.</summary>
    public bool IsConnected => _stream is not null && !_broken;

    /// <summary>The LHLO extensions, keyword to parameters (<c>SIZE</c> → <c>10240000</c>).</summary>
    public IReadOnlyDictionary<string, string> Extensions => _extensions;

    public bool SupportsPipelining => _extensions.ContainsKey("PIPELINING");
    public bool SupportsDsn => _extensions.ContainsKey("DSN");
    public bool Supports8BitMime => _extensions.ContainsKey("8BITMIME");
    public bool SupportsSmtpUtf8 => _extensions.ContainsKey("SMTPUTF8");

    /// <summary>Connects, reads the 220 greeting and sends LHLO.</summary>
    /// <exception cref="DeliveryUnavailableException">Cannot connect, the server refused the session, or it broke the protocol.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_stream is not null) throw new InvalidOperationException("already connected");
        var socket = EndPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(_options.ConnectTimeout);
                try { await socket.ConnectAsync(EndPoint, cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                { throw new TimeoutException($"no connection within {_options.ConnectTimeout.TotalSeconds:0.#}s"); }
            }
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            if (_smtp is not null) await SmtpImplicitTlsAsync(cancellationToken).ConfigureAwait(false);
            _reader = new ReplyReader(_stream, _options.MaxLineLength, _options.MaxReplyLines);
            var greeting = await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (greeting.Code != 220) throw new LmtpProtocolException("the server refused the session", greeting);
            if (_smtp is not null)
            {
                await SmtpHelloAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            var lhlo = await CommandAsync("LHLO " + LocalName(), cancellationToken).ConfigureAwait(false);
            if (lhlo.Code != 250) throw new LmtpProtocolException("LHLO was refused", lhlo);
            _extensions = ParseExtensions(lhlo);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or LmtpProtocolException
            or System.Security.Authentication.AuthenticationException)
        {
            Break();
            socket.Dispose();
            throw new DeliveryUnavailableException($"{Peer}: {e.Message}", e);
        }
        catch
        {
            Break();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Delivers the batch, one transaction per message. Failures of the connection or the protocol end the
    /// session and turn every recipient without a final reply into a <see cref="DeliveryStatus.TemporaryFailure"/>;
    /// they are not thrown.
    /// </summary>
    /// <returns>One result per message, in batch order.</returns>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the session is then unusable and the outcome of the
    /// message in flight unknown.</exception>
    public async Task<IReadOnlyList<MessageDeliveryResult>> DeliverAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken)
    {
        var results = new MessageDeliveryResult?[batch.Count];
        var next = -1;
        var lost = await DeliverTakingAsync(batch, () => ++next, results, null, cancellationToken).ConfigureAwait(false);
        return results.Select((r, i) => r ?? MessageDeliveryResult.AllWith(batch[i], lost!)).ToArray();
    }

    /// <summary>
    /// Delivers the messages of <paramref name="batch"/> whose indexes <paramref name="take"/> hands out (an index past
    /// the end: none left), each into its slot of <paramref name="results"/>. Several sessions share one
    /// <paramref name="take"/>: a session takes a message only when it is about to send it (with PIPELINING, beside the
    /// previous message's dot), so the sessions finish a batch together instead of the slowest holding it back, and a
    /// session that breaks fails only the messages it took (<see cref="DeliverAsync"/> for the rules). A message taken
    /// whose content was not sent yet (its envelope pipelined behind the previous dot) cannot have been delivered: it is
    /// offered to <paramref name="giveBack"/> for another session (true: taken back, no result here).
    /// </summary>
    /// <returns>Null; or, when a failure ended the session, the temporary outcome it gave the messages it took.</returns>
    internal async Task<DeliveryOutcome?> DeliverTakingAsync(IReadOnlyList<MessageToDeliver> batch, Func<int> take, MessageDeliveryResult?[] results,
        Func<int, bool>? giveBack, CancellationToken cancellationToken)
    {
        EnsureConnected();
        var taken = new List<(int Index, Transaction Tx)>();
        DeliveryOutcome? lost = null;
        Transaction? PrepareNext()
        {
            while (take() is var i && i < batch.Count)
            {
                var tx = Prepare(batch[i]);
                taken.Add((i, tx));
                if (tx.Sendable.Count > 0) return tx;
            }
            return null;
        }

        try
        {
            Transaction? carried = null;
            while ((carried ?? PrepareNext()) is { } tx)
            {
                carried = null;
                if (UsesChunking)
                {
                    tx.ContentSent = true;
                    await ChunkedTransactionAsync(tx, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var dataReply = SupportsPipelining
                    ? await PipelinedEnvelopeAsync(tx, cancellationToken).ConfigureAwait(false)
                    : await SequentialEnvelopeAsync(tx, cancellationToken).ConfigureAwait(false);
                if (dataReply is null) continue;
                if (dataReply.Code != 354)
                {
                    if (dataReply.IsPositiveCompletion || dataReply.IsIntermediate)
                        throw new LmtpProtocolException("DATA was answered with neither 354 nor a failure", dataReply);
                    foreach (var r in tx.Accepted) tx.Outcomes[r] = dataReply.ToOutcome();
                    continue;
                }
                tx.ContentSent = true;
                await WriteContentAsync(tx.Message.Content, cancellationToken).ConfigureAwait(false);
                if (SupportsPipelining && PrepareNext() is { } following)
                {
                    QueueEnvelope(following);
                    carried = following;
                }
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                // RFC 2033 4.2: one reply per accepted recipient, in RCPT order; SMTP answers once for all of them.
                if (_smtp is not null) AcceptedShare(tx, await ReadAsync(_options.DataTimeout, cancellationToken).ConfigureAwait(false));
                else foreach (var r in tx.Accepted)
                    tx.Outcomes[r] = (await ReadAsync(_options.DataTimeout, cancellationToken).ConfigureAwait(false)).ToOutcome();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or LmtpProtocolException or ObjectDisposedException)
        {
            Break();
            lost = DeliveryOutcome.Temporary($"4.4.2 {Peer}: {e.Message}");
            taken.RemoveAll(t => !t.Tx.ContentSent && t.Tx.Outcomes.Any(o => o is null) && giveBack?.Invoke(t.Index) == true);
            foreach (var (_, tx) in taken)
                for (var r = 0; r < tx.Outcomes.Length; r++) tx.Outcomes[r] ??= lost;
        }
        catch
        {
            Break();
            throw;
        }
        foreach (var (i, tx) in taken)
            results[i] = new MessageDeliveryResult(tx.Message, tx.Message.Envelope.Recipients
                .Select((rcpt, r) => new RecipientOutcome(rcpt, tx.Outcomes[r] ?? DeliveryOutcome.Temporary("4.4.2 no reply for this recipient")))
                .ToArray());
        return lost;
    }

    /// <summary>Asks the server whether it would accept mail for <paramref name="address"/> (MAIL FROM:&lt;&gt;, RCPT, RSET).</summary>
    /// <returns>True on 2xx, false on 5xx or a malformed address.</returns>
    /// <exception cref="DeliveryUnavailableException">The server answered 4xx, or the session failed.</exception>
    public async Task<bool> VerifyRecipientAsync(string address, CancellationToken cancellationToken)
    {
        EnsureConnected();
        if (!AddressParts.TrySplit(address, out _, out _, out _)) return false;
        if (!AddressParts.IsAscii(address) && !SupportsSmtpUtf8) return false;
        try
        {
            var commands = new List<string>();
            if (_used) commands.Add("RSET");
            commands.Add(AddressParts.IsAscii(address) ? "MAIL FROM:<>" : "MAIL FROM:<> SMTPUTF8");
            commands.Add($"RCPT TO:<{address}>");
            commands.Add("RSET");
            _used = true;
            var replies = new List<LmtpReply>();
            if (SupportsPipelining)
            {
                foreach (var c in commands) Queue(c);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                foreach (var _ in commands) replies.Add(await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                foreach (var c in commands) replies.Add(await CommandAsync(c, cancellationToken).ConfigureAwait(false));
            }
            var mail = replies[^3];
            var rcpt = replies[^2];
            if (!mail.IsPositiveCompletion) throw new LmtpProtocolException("MAIL FROM:<> was refused", mail);
            if (rcpt.IsPositiveCompletion) return true;
            if (rcpt.IsPermanentNegative) return false;
            throw new DeliveryUnavailableException($"{Peer} cannot verify <{address}> now: {rcpt}");
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or LmtpProtocolException or ObjectDisposedException)
        {
            Break();
            throw new DeliveryUnavailableException($"{Peer}: {e.Message}", e);
        }
    }

    /// <summary>Sends RSET: checks that a pooled session is still alive and clears any transaction.</summary>
    /// <exception cref="DeliveryUnavailableException">The session is dead or RSET was refused.</exception>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        EnsureConnected();
        try
        {
            var reply = await CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
            if (!reply.IsPositiveCompletion) throw new LmtpProtocolException("RSET was refused", reply);
            _used = false;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or LmtpProtocolException or ObjectDisposedException)
        {
            Break();
            throw new DeliveryUnavailableException($"{Peer}: {e.Message}", e);
        }
    }

    /// <summary>Sends QUIT and closes; errors are ignored, the session ends either way.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (IsConnected)
        {
            try { await CommandAsync("QUIT", cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or LmtpProtocolException or ObjectDisposedException) { }
        }
        Break();
    }

    public async ValueTask DisposeAsync()
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await QuitAsync(quick.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { Break(); }
    }

    internal static string Describe(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint u => "unix:" + u,
        DnsEndPoint d => $"{d.Host}:{d.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>One message's transaction: what to send, who was accepted, and each recipient's outcome.</summary>
    private sealed class Transaction(MessageToDeliver message, int recipientCount)
    {
        public MessageToDeliver Message { get; } = message;
        public DeliveryOutcome?[] Outcomes { get; } = new DeliveryOutcome?[recipientCount];
        public List<int> Sendable { get; } = [];
        public List<int> Accepted { get; } = [];
        public List<string> Commands { get; } = [];
        public bool ResetFirst { get; set; }

        /// <summary>Its content (or BDAT chunk) may have gone out: from then on it may have been delivered.</summary>
        public bool ContentSent { get; set; }
        public bool Queued { get; set; }
    }

    private Transaction Prepare(MessageToDeliver message)
    {
        var envelope = message.Envelope;
        var tx = new Transaction(message, envelope.Recipients.Count);
        var outcomes = tx.Outcomes;
        var utf8 = false;
        if (envelope.Sender is { Length: > 0 } sender) // "" and null are both the null sender <>
        {
            DeliveryOutcome? refusal = null;
            if (!AddressParts.TrySplit(sender, out _, out _, out var reason)) refusal = DeliveryOutcome.Permanent($"5.1.7 sender <{sender}> {reason}");
            else if (!AddressParts.IsAscii(sender) && !SupportsSmtpUtf8) refusal = DeliveryOutcome.Permanent($"5.6.7 sender <{sender}> is not ASCII and the server lacks SMTPUTF8");
            if (refusal is not null)
            {
                Array.Fill(outcomes, refusal);
                return tx;
            }
            utf8 = !AddressParts.IsAscii(sender);
        }
        for (var r = 0; r < outcomes.Length; r++)
        {
            var address = envelope.Recipients[r].Address;
            if (!AddressParts.TrySplit(address, out _, out _, out var reason))
                outcomes[r] = DeliveryOutcome.Permanent($"5.1.3 <{address}> {reason}");
            else if (!AddressParts.IsAscii(address) && !SupportsSmtpUtf8)
                outcomes[r] = DeliveryOutcome.Permanent($"5.6.7 <{address}> is not ASCII and the server lacks SMTPUTF8");
            else
            {
                utf8 |= !AddressParts.IsAscii(address);
                tx.Sendable.Add(r);
            }
        }
        if (tx.Sendable.Count == 0) return tx;

        var mail = new StringBuilder($"MAIL FROM:<{envelope.Sender}>");
        if (Supports8BitMime && message.Content.Span.IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0) mail.Append(" BODY=8BITMIME");
        if (utf8) mail.Append(" SMTPUTF8");
        if (_extensions.ContainsKey("SIZE")) mail.Append(" SIZE=").Append(message.Content.Length);
        if (SupportsDsn && envelope.Return != DsnReturn.Default) mail.Append(envelope.Return == DsnReturn.Full ? " RET=FULL" : " RET=HDRS");
        tx.Commands.Add(mail.ToString());
        foreach (var r in tx.Sendable)
        {
            var recipient = envelope.Recipients[r];
            var rcpt = new StringBuilder($"RCPT TO:<{recipient.Address}>");
            if (SupportsDsn)
            {
                if (recipient.Notify != DsnNotify.Default) rcpt.Append(recipient.Notify == DsnNotify.Never ? " NOTIFY=NEVER" : " NOTIFY=FAILURE");
                if (AddressParts.IsAscii(recipient.Address)) rcpt.Append(" ORCPT=rfc822;").Append(XText(recipient.Address));
            }
            tx.Commands.Add(rcpt.ToString());
        }
        tx.Commands.Add("DATA");
        return tx;
    }

    private void QueueEnvelope(Transaction tx)
    {
        tx.ResetFirst = _used;
        tx.Queued = true;
        if (tx.ResetFirst) Queue("RSET");
        foreach (var c in tx.Commands) Queue(c);
        _used = true;
    }

    /// <summary>Sends (unless already queued behind the previous dot) and reads RSET, MAIL, RCPT…, DATA.</summary>
    private async Task<LmtpReply?> PipelinedEnvelopeAsync(Transaction tx, CancellationToken cancellationToken)
    {
        if (!tx.Queued)
        {
            QueueEnvelope(tx);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        if (tx.ResetFirst)
        {
            var reset = await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!reset.IsPositiveCompletion) throw new LmtpProtocolException("RSET was refused", reset);
        }
        var mail = await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var rcpts = new LmtpReply[tx.Sendable.Count];
        for (var k = 0; k < rcpts.Length; k++) rcpts[k] = await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var data = await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        return EnvelopeOutcome(tx, mail, rcpts, data);
    }

    private async Task<LmtpReply?> SequentialEnvelopeAsync(Transaction tx, CancellationToken cancellationToken)
    {
        if (_used)
        {
            var reset = await CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
            if (!reset.IsPositiveCompletion) throw new LmtpProtocolException("RSET was refused", reset);
        }
        _used = true;
        var mail = await CommandAsync(tx.Commands[0], cancellationToken).ConfigureAwait(false);
        if (!mail.IsPositiveCompletion) return EnvelopeOutcome(tx, mail, [], null);
        var rcpts = new LmtpReply[tx.Sendable.Count];
        for (var k = 0; k < rcpts.Length; k++) rcpts[k] = await CommandAsync(tx.Commands[k + 1], cancellationToken).ConfigureAwait(false);
        if (!rcpts.Any(r => r.IsPositiveCompletion)) return EnvelopeOutcome(tx, mail, rcpts, null);
        var data = await CommandAsync("DATA", cancellationToken).ConfigureAwait(false);
        return EnvelopeOutcome(tx, mail, rcpts, data);
    }

    /// <summary>Records MAIL and RCPT failures; returns the DATA reply when some recipient was accepted.</summary>
    private static LmtpReply? EnvelopeOutcome(Transaction tx, LmtpReply mail, LmtpReply[] rcpts, LmtpReply? data)
    {
        if (!mail.IsPositiveCompletion)
        {
            var outcome = mail.ToOutcome();
            foreach (var r in tx.Sendable) tx.Outcomes[r] = outcome;
            if (data?.Code == 354) throw new LmtpProtocolException("DATA was accepted after MAIL was refused", data);
            return null;
        }
        for (var k = 0; k < rcpts.Length; k++)
        {
            if (rcpts[k].IsPositiveCompletion) tx.Accepted.Add(tx.Sendable[k]);
            else tx.Outcomes[tx.Sendable[k]] = rcpts[k].ToOutcome();
        }
        if (tx.Accepted.Count == 0)
        {
            if (data?.Code == 354) throw new LmtpProtocolException("DATA was accepted with no recipient", data);
            return null;
        }
        return data;
    }

    /// <summary>Writes the content with CRLF line ends and dot-stuffing, then the final dot, in bounded chunks.</summary>
    private async Task WriteContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        // Each input byte becomes at most four output bytes (bare CR's LF, stuffed dot, LF's CR, itself).
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize * 4 + 4);
        try
        {
            var state = new DotStuffer();
            for (var offset = 0; offset < content.Length; offset += ChunkSize)
            {
                var n = state.Encode(content.Span.Slice(offset, Math.Min(ChunkSize, content.Length - offset)), chunk);
                await WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
            var tail = state.Finish(chunk);
            if (tail > 0) await WriteAsync(chunk.AsMemory(0, tail), cancellationToken).ConfigureAwait(false);
            Queue(".");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async Task<LmtpReply> CommandAsync(string command, CancellationToken cancellationToken)
    {
        Queue(command);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    private void Queue(string command)
    {
        var bytes = Encoding.UTF8.GetByteCount(command);
        var span = _out.GetSpan(bytes + 2);
        Encoding.UTF8.GetBytes(command, span);
        span[bytes] = (byte)'\r';
        span[bytes + 1] = (byte)'\n';
        _out.Advance(bytes + 2);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_out.WrittenCount == 0) return;
        await WriteAsync(_out.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _out.ResetWrittenCount();
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.CommandTimeout);
        try { await _stream!.WriteAsync(data, cts.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        { throw new TimeoutException($"the server took more than {_options.CommandTimeout.TotalSeconds:0.#}s to take our data"); }
    }

    private async Task<LmtpReply> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try { return await _reader!.ReadReplyAsync(cts.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        { throw new TimeoutException($"no reply within {timeout.TotalSeconds:0.#}s"); }
    }

    private void EnsureConnected()
    {
        if (!IsConnected) throw new InvalidOperationException($"the {Peer} session is not connected");
    }

    private void Break()
    {
        _broken = true;
        _out.ResetWrittenCount();
        _stream?.Dispose();
        _socket?.Dispose();
    }

    private string LocalName()
    {
        var name = _options.LocalName ?? Environment.MachineName;
        return string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c >= 0x7f) ? "localhost" : name;
    }

    private static Dictionary<string, string> ParseExtensions(LmtpReply lhlo)
    {
        var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lhlo.Lines.Skip(1))
        {
            var space = line.IndexOf(' ');
            var keyword = space < 0 ? line : line[..space];
            if (keyword.Length > 0) extensions[keyword] = space < 0 ? "" : line[(space + 1)..].Trim();
        }
        return extensions;
    }

    // RFC 3461 4.2: xtext escapes '+', '=' and anything outside printable ASCII as +HH.
    private static string XText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is > ' ' and < (char)0x7f and not '+' and not '=') sb.Append(c);
            else sb.Append('+').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
