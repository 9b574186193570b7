using System.Globalization;
using System.Net;
using System.Net.Security;
using MailKit.Security;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The SMTP dialect (RFC 5321) of the client, for <see cref="SmtpQueueDelivery"/>: EHLO (HELO when EHLO is refused
/// with 5xx), TLS as <see cref="SmtpQueueOptions.Security"/> says (STARTTLS or on connect), and after the data one
/// reply per message that counts for every recipient accepted at RCPT. Where the server offers CHUNKING the message
/// goes as one <c>BDAT n LAST</c> chunk (RFC 3030): no dot-stuffing, no 354 to wait for, and with PIPELINING the
/// whole transaction is one write and one round trip.
/// </summary>
public sealed partial class LmtpClient
{
    /// <summary>The largest chunk copied behind its commands into one write (the session's buffer keeps that size).</summary>
    private const int MaxCopiedChunk = 1024 * 1024;

    private readonly SmtpQueueOptions? _smtp;
    private readonly string? _tlsHost;

    /// <param name="tlsHost">The server's name as configured, checked against its certificate.</param>
    internal LmtpClient(EndPoint endPoint, LmtpClientOptions options, SmtpQueueOptions smtp, string tlsHost) : this(endPoint, options)
    {
        _smtp = smtp;
        _tlsHost = tlsHost;
    }

    /// <summary>The protocol and the server, for messages: <c>SMTP 127.0.0.1:25</c>.</summary>
    internal string Peer => $"{(_smtp is null ? "LMTP" : "SMTP")} {Describe(EndPoint)}";

    public bool SupportsChunking => _extensions.ContainsKey("CHUNKING");

    /// <summary>The session is TLS (on connect or after STARTTLS).</summary>
    public bool IsEncrypted => _stream is SslStream;

    private bool UsesChunking => _smtp is not null && SupportsChunking;

    // MailKit's meaning of Auto: TLS on connect on port 465, else STARTTLS when offered.
    private bool ImplicitTls => _smtp!.Security == SecureSocketOptions.SslOnConnect
        || (_smtp.Security == SecureSocketOptions.Auto && Port(EndPoint) == 465);

    private async Task SmtpImplicitTlsAsync(CancellationToken cancellationToken)
    {
        if (ImplicitTls) await UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EHLO, then STARTTLS and EHLO again when the options ask for it.</summary>
    private async Task SmtpHelloAsync(CancellationToken cancellationToken)
    {
        await EhloAsync(cancellationToken).ConfigureAwait(false);
        var security = _smtp!.Security;
        if (IsEncrypted || security is SecureSocketOptions.None or SecureSocketOptions.SslOnConnect) return;
        if (!_extensions.ContainsKey("STARTTLS"))
        {
            if (security == SecureSocketOptions.StartTls) throw new LmtpProtocolException("the server does not offer STARTTLS");
            return;
        }
        var reply = await CommandAsync("STARTTLS", cancellationToken).ConfigureAwait(false);
        if (reply.Code != 220) throw new LmtpProtocolException("STARTTLS was refused", reply);
        await UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false);
        _reader = new ReplyReader(_stream!, _options.MaxLineLength, _options.MaxReplyLines);
        // RFC 3207 4.2: what was learnt before TLS is forgotten.
        await EhloAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EhloAsync(CancellationToken cancellationToken)
    {
        var hello = await CommandAsync("EHLO " + LocalName(), cancellationToken).ConfigureAwait(false);
        // RFC 5321 3.2: a server without extensions refuses EHLO; HELO then, and no extension is used.
        if (hello.IsPermanentNegative) hello = await CommandAsync("HELO " + LocalName(), cancellationToken).ConfigureAwait(false);
        if (hello.Code != 250) throw new LmtpProtocolException("EHLO was refused", hello);
        _extensions = ParseExtensions(hello);
    }

    private async Task UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        var tls = new SslStream(_stream!, leaveInnerStreamOpen: false);
        _stream = tls;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.CommandTimeout);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _tlsHost,
                RemoteCertificateValidationCallback = _smtp!.ServerCertificateValidation,
            }, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no TLS handshake within {_options.CommandTimeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>SMTP's one reply after the data, given to every recipient accepted at RCPT.</summary>
    private static void AcceptedShare(Transaction tx, LmtpReply final)
    {
        var outcome = final.ToOutcome();
        foreach (var r in tx.Accepted) tx.Outcomes[r] = outcome;
    }

    /// <summary>One transaction with BDAT LAST instead of DATA (RFC 3030 2, 4.2).</summary>
    private async Task ChunkedTransactionAsync(Transaction tx, CancellationToken cancellationToken)
    {
        var content = CanonicalLineEnds(tx.Message.Content);
        tx.Commands[^1] = "BDAT " + content.Length.ToString(CultureInfo.InvariantCulture) + " LAST";
        if (SupportsPipelining)
        {
            // RSET, MAIL, RCPT…, BDAT and the chunk in one go; the replies come back in that order. A server that
            // refused MAIL or every RCPT still reads the chunk it was announced and refuses the BDAT.
            QueueEnvelope(tx);
            await SendWithChunkAsync(content, cancellationToken).ConfigureAwait(false);
            if (await PipelinedEnvelopeAsync(tx, cancellationToken).ConfigureAwait(false) is { } last) AcceptedShare(tx, last);
            return;
        }
        if (_used)
        {
            var reset = await CommandAsync("RSET", cancellationToken).ConfigureAwait(false);
            if (!reset.IsPositiveCompletion) throw new LmtpProtocolException("RSET was refused", reset);
        }
        _used = true;
        var mail = await CommandAsync(tx.Commands[0], cancellationToken).ConfigureAwait(false);
        var rcpts = new List<LmtpReply>();
        for (var k = 0; mail.IsPositiveCompletion && k < tx.Sendable.Count; k++)
            rcpts.Add(await CommandAsync(tx.Commands[k + 1], cancellationToken).ConfigureAwait(false));
        EnvelopeOutcome(tx, mail, [.. rcpts], null);
        if (tx.Accepted.Count == 0) return;
        // The chunk follows its BDAT command at once, without waiting for a reply (RFC 3030 2).
        Queue(tx.Commands[^1]);
        await SendWithChunkAsync(content, cancellationToken).ConfigureAwait(false);
        AcceptedShare(tx, await ReadAsync(_options.DataTimeout, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Sends the queued commands and the chunk in one write where the chunk is not large: one system call, and the
    /// server finds the whole transaction in its input at once, so it has no reason to answer MAIL and RCPT before it
    /// has read the chunk (two small reply writes could make the second wait for a delayed ACK; that was suspected,
    /// not shown: the one-session figure under a load of 40-80 did not change with it).
    /// </summary>
    private async Task SendWithChunkAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (content.Length <= MaxCopiedChunk)
        {
            content.Span.CopyTo(_out.GetSpan(content.Length));
            _out.Advance(content.Length);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The message with CRLF line ends and its last line ended, as DATA would carry it but without dot-stuffing:
    /// the bytes themselves when they already are (the usual case), else a normalised copy.
    /// </summary>
    internal static ReadOnlyMemory<byte> CanonicalLineEnds(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        var crlf = span.Count("\r\n"u8);
        if (span.Count((byte)'\n') == crlf && span.Count((byte)'\r') == crlf && (span.IsEmpty || span[^1] == '\n')) return content;
        var output = new byte[span.Length * 2 + 2];
        var n = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b == '\n' && (i == 0 || span[i - 1] != '\r')) output[n++] = (byte)'\r';
            output[n++] = b;
            if (b == '\r' && (i + 1 == span.Length || span[i + 1] != '\n')) output[n++] = (byte)'\n';
        }
        if (n > 0 && output[n - 1] != '\n')
        {
            output[n++] = (byte)'\r';
            output[n++] = (byte)'\n';
        }
        return output.AsMemory(0, n);
    }

    private static int Port(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => 0,
    };
}
