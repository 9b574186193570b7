using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Pop3;
using MailKit.Security;
using RemotePoll.Core.Polling;
using RemotePoll.Mail.Net;
using static RemotePoll.Mail.Net.FailureText;
using RemotePoll.Mail.OAuth;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// One POP3 session with a remote account, built on MailKit's <see cref="Pop3Client"/>: connect (own socket,
/// optional source address, optional implicit TLS or STLS), log in by the method the spec allows, list, retrieve
/// in pipelined batches, delete, QUIT. Every call is bounded in time and in bytes; every failure is a
/// <see cref="RemotePollException"/> with a <see cref="PollErrorKind"/>. Deletions take effect only when
/// <see cref="QuitAsync"/> succeeds; disposing without QUIT leaves the maildrop as it was.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed class Pop3Session : IAsyncDisposable
{
    private const int StatusLineLimit = 64 * 1024;
    private static readonly Encoding CredentialEncoding = Encoding.UTF8;

    private readonly Pop3SessionOptions _options;
    private readonly Pop3Credentials _credentials;
    private readonly Pop3Transcript _transcript;
    private readonly SessionLink _link;
    private Pop3Client? _client;
    private BoundedStream? _stream;
    private Pop3Retriever? _retriever;
    private IReadOnlyList<long>? _sizes;
    private IReadOnlyList<string>? _uids;
    private string? _closedReason;

    private Pop3Session(Pop3SessionOptions options, Pop3Credentials credentials, IProtocolLog? log)
    {
        _options = options;
        _credentials = credentials;
        _transcript = new Pop3Transcript(log, credentials.Password);
        _link = new SessionLink(options.Host, options.Port, options, options.Trust, options.SourceAddress, options.Resolver);
    }

    private enum Phase
    {
        Connect,
        Login,
        Transaction,
        Quit,
    }

    /// <summary>The method the session logged in with.</summary>
    public Pop3LoginMethod LoginMethod { get; private set; }

    /// <summary>The server's greeting line.</summary>
    public string? Greeting => _transcript.Greeting;

    /// <summary>The address actually connected to (for the self-poll check and the log).</summary>
    public IPEndPoint? RemoteEndPoint => _link.RemoteEndPoint;

    /// <summary>The number of messages in the maildrop when the session logged in.</summary>
    public int Count { get; private set; }

    /// <summary>The server pipelines commands (CAPA PIPELINING): batches go out in one write.</summary>
    public bool SupportsPipelining => _client is { } c && (c.Capabilities & Pop3Capabilities.Pipelining) != 0;

    /// <summary>The server is in UTF8 mode (RFC 6856): it serves messages with UTF-8 headers as they are.</summary>
    public bool Utf8 { get; private set; }

    /// <summary>The server advertised UTF8 in CAPA.</summary>
    public bool OffersUtf8 { get; private set; }

    /// <summary>
    /// Why a retrieved message looks like a substitute the server made up for a message it would not send as it is
    /// (see <see cref="Pop3Substitute"/>), or null. Such a message must stay on the server, unacknowledged.
    /// </summary>
    public string? SubstitutionIn(byte[] message) => Utf8 ? null : Pop3Substitute.Detect(message, OffersUtf8);

    /// <summary>
    /// The server's LOGIN-DELAY (RFC 2449 6.8): the least time it allows between two logins, from the CAPA after login
    /// (the value for this user) or else the one before it; zero when it announced none; null before the greeting.
    /// </summary>
    public TimeSpan? LoginDelay { get; private set; }

    /// <summary>The server answers UIDL (advertised in CAPA or found by probing).</summary>
    public bool SupportsUids => _client is { } c && (c.Capabilities & Pop3Capabilities.UIDL) != 0;

    /// <summary>Connects, reads the greeting and logs in.</summary>
    /// <exception cref="RemotePollException">
    /// ConnectionFailed (resolution, refusal, unreachable, silence, -ERR greeting), TlsFailed, ProtocolError
    /// (not a POP3 greeting), AuthenticationFailed, MailboxLocked, TemporarilyUnavailable and ServerFailed (the server's
    /// response codes, <see cref="Pop3ResponseCode"/>).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A timeout or the size limit is not positive.</exception>
    public static async Task<Pop3Session> OpenAsync(Pop3SessionOptions options, Pop3Credentials credentials,
        IProtocolLog? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options.ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero, nameof(options.CommandTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxMessageSize, 0, nameof(options.MaxMessageSize));
        var session = new Pop3Session(options, credentials, log);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await session.LoginAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The unique id of every message (UIDL), by 0-based index. Asked once per session.</summary>
    /// <exception cref="RemotePollException">ProtocolError when the server has no UIDL (the session stays usable); ConnectionLost.</exception>
    public async Task<IReadOnlyList<string>> ListUidsAsync(CancellationToken cancellationToken = default)
    {
        var client = Live();
        if (_uids is not null) return _uids;
        if (Count == 0) return _uids = [];
        if (!SupportsUids)
            throw new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: the server does not support UIDL") { SessionUsable = true };
        var uids = await RunAsync(Phase.Transaction, Scaled(Count, perItem: TimeSpan.FromMilliseconds(5)),
            t => client.GetMessageUidsAsync(t), cancellationToken).ConfigureAwait(false);
        if (uids.Count != Count)
            throw Broken(PollErrorKind.ProtocolError, $"{Where}: UIDL listed {uids.Count} messages, STAT said {Count}");
        foreach (var uid in uids)
            if (uid.Length is 0 or > 70 || uid.Any(c => c is < '!' or > '~'))
                throw Broken(PollErrorKind.ProtocolError, $"{Where}: UIDL sent an invalid unique id '{Truncate(uid)}'");
        return _uids = [.. uids];
    }

    /// <summary>The size in octets of every message (LIST), by 0-based index. Asked once per session.</summary>
    /// <exception cref="RemotePollException">ProtocolError, ConnectionLost.</exception>
    public async Task<IReadOnlyList<long>> ListSizesAsync(CancellationToken cancellationToken = default)
    {
        var client = Live();
        if (_sizes is not null) return _sizes;
        if (Count == 0) return _sizes = [];
        var sizes = await RunAsync(Phase.Transaction, Scaled(Count, perItem: TimeSpan.FromMilliseconds(5)),
            t => client.GetMessageSizesAsync(t), cancellationToken).ConfigureAwait(false);
        if (sizes.Count != Count)
            throw Broken(PollErrorKind.ProtocolError, $"{Where}: LIST listed {sizes.Count} messages, STAT said {Count}");
        return _sizes = sizes.Select(s => (long)s).ToArray();
    }

    /// <summary>
    /// Retrieves a batch of messages (RETR, pipelined when the server allows), in the order asked. The answers are
    /// read by <see cref="Pop3Retriever"/> rather than MailKit, whose byte-at-a-time un-stuffing bounded large drains.
    /// A message listed over <see cref="Pop3SessionOptions.MaxMessageSize"/> is refused before anything is
    /// sent (MessageTooLarge with its index; the session stays usable): filter with <see cref="ListSizesAsync"/>.
    /// A server that sends more than it listed is cut off (MessageTooLarge; the index is known for a batch of one).
    /// </summary>
    /// <exception cref="RemotePollException">MessageTooLarge, ConnectionLost, ProtocolError.</exception>
    public async Task<IReadOnlyList<Pop3FetchedMessage>> FetchAsync(IReadOnlyList<int> indexes, CancellationToken cancellationToken = default)
    {
        var client = Live();
        CheckIndexes(indexes);
        if (indexes.Count == 0) return [];
        var sizes = await ListSizesAsync(cancellationToken).ConfigureAwait(false);
        var max = _options.MaxMessageSize;
        foreach (var i in indexes)
            if (sizes[i] > max)
                throw new RemotePollException(PollErrorKind.MessageTooLarge,
                    $"{Where}: message {i + 1} is {sizes[i]} bytes, over the {max}-byte limit", i) { SessionUsable = true };

        var stream = _stream!;
        // Dot-stuffing adds at most one byte per line (a third of the size); status lines are short.
        var budget = indexes.Sum(i => sizes[i] + sizes[i] / 3 + 1024) + StatusLineLimit;
        stream.SetBudget(budget);
        stream.MaxLineLength = Math.Max(StatusLineLimit, max + 1024);
        var retriever = _retriever ??= new Pop3Retriever(stream, _transcript);
        Pop3Retrieved[] answers;
        try
        {
            answers = await RunAsync(Phase.Transaction, Scaled(indexes.Count, perItem: _options.CommandTimeout),
                t => retriever.RetrieveAsync(indexes, sizes, max, SupportsPipelining, t), cancellationToken,
                batchIndex: indexes.Count == 1 ? indexes[0] : null).ConfigureAwait(false);
        }
        finally
        {
            stream.SetBudget(null);
            stream.MaxLineLength = StatusLineLimit;
        }

        var messages = new Pop3FetchedMessage[indexes.Count];
        for (var k = 0; k < indexes.Count; k++)
        {
            var answer = answers[k];
            if (answer.Refusal is { } refusal)
            {
                var text = _transcript.Redact(refusal);
                throw new RemotePollException(PollErrorKind.ProtocolError,
                    $"{Where}: the server refused ({Describe(Phase.Transaction)}) message {indexes[k] + 1}: {Truncate(text)}")
                {
                    ServerResponse = text,
                    SessionUsable = true,
                };
            }
            if (answer.Data is null)
                throw new RemotePollException(PollErrorKind.MessageTooLarge,
                    $"{Where}: message {indexes[k] + 1} arrived with {answer.Length} bytes, over the {max}-byte limit", indexes[k]) { SessionUsable = true };
            messages[k] = new Pop3FetchedMessage(indexes[k], answer.Data);
        }
        return messages;
    }

    /// <summary>
    /// Marks messages deleted (DELE, pipelined when the server allows). They go only on a successful
    /// <see cref="QuitAsync"/>. Sizes and UIDs are listed first if they were not yet: a server leaves
    /// deleted messages out of later LIST and UIDL answers.
    /// </summary>
    /// <exception cref="RemotePollException">ProtocolError (the server refused a DELE), ConnectionLost.</exception>
    public async Task DeleteAsync(IReadOnlyList<int> indexes, CancellationToken cancellationToken = default)
    {
        var client = Live();
        CheckIndexes(indexes);
        if (indexes.Count == 0) return;
        await ListSizesAsync(cancellationToken).ConfigureAwait(false);
        if (SupportsUids) await ListUidsAsync(cancellationToken).ConfigureAwait(false);
        await RunAsync(Phase.Transaction, Scaled(indexes.Count, perItem: TimeSpan.FromMilliseconds(5)),
            async t => { await client.DeleteMessagesAsync(indexes.ToList(), t).ConfigureAwait(false); return true; },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends QUIT and closes. Deletions are committed only when the server answers +OK: without that answer
    /// this throws, and the poller must assume the messages are still there (their UIDs say they were delivered).
    /// </summary>
    /// <exception cref="RemotePollException">ConnectionLost (no answer), ProtocolError (-ERR: some deletions failed).</exception>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        var client = Live();
        _transcript.Mark();
        try
        {
            // MailKit swallows a failed or unanswered QUIT; the transcript holds what the server really said.
            await RunAsync(Phase.Quit, _options.CommandTimeout,
                async t => { await client.DisconnectAsync(true, t).ConfigureAwait(false); return true; },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Close("the session has ended (QUIT)");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var reply = _transcript.FirstLineSinceMark;
        if (reply is null)
            throw new RemotePollException(PollErrorKind.ConnectionLost,
                $"{Where}: no answer to QUIT, so deletions were not committed");
        if (!reply.StartsWith("+OK", StringComparison.OrdinalIgnoreCase))
            throw new RemotePollException(PollErrorKind.ProtocolError,
                $"{Where}: QUIT answered '{Truncate(reply)}', so deletions may not have been committed") { ServerResponse = reply };
    }

    /// <summary>Closes the connection without QUIT: nothing marked deleted is deleted.</summary>
    public ValueTask DisposeAsync()
    {
        Close("the session was disposed");
        return ValueTask.CompletedTask;
    }

    private string Where => _link.Where;

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Func<Stream, CancellationToken, Task<Stream>>? secure = _options.Tls ? _link.HandshakeAsync : _options.StartTls ? StartTlsAsync : null;
        _stream = await _link.OpenAsync(secure, StatusLineLimit, cancellationToken).ConfigureAwait(false);
        _client = new Pop3Client(_transcript) { Timeout = ToMilliseconds(_options.CommandTimeout) };
        var client = _client;
        await RunAsync(Phase.Connect, _options.CommandTimeout,
            async t => { await client.ConnectAsync(_stream, _options.Host.Host, _options.Port, SecureSocketOptions.None, t).ConfigureAwait(false); return true; },
            cancellationToken).ConfigureAwait(false);
        LoginDelay = AnnouncedLoginDelay(client) ?? TimeSpan.Zero;
    }

    /// <summary>LOGIN-DELAY n from the last CAPA (a trailing USER, "may differ per user", is read past by MailKit).</summary>
    private static TimeSpan? AnnouncedLoginDelay(Pop3Client client) =>
        (client.Capabilities & Pop3Capabilities.LoginDelay) != 0 && client.LoginDelay > 0 ? TimeSpan.FromSeconds(client.LoginDelay) : null;

    /// <summary>STLS before MailKit reads anything (<see cref="Pop3StartTls"/>): greeting, CAPA, STLS and the handshake.</summary>
    private async Task<Stream> StartTlsAsync(Stream network, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(Phase.Connect, _options.CommandTimeout * 2,
                t => Pop3StartTls.NegotiateAsync(network, _transcript, Where, _link.HandshakeAsync, t), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task LoginAsync(CancellationToken cancellationToken)
    {
        var client = _client!;
        OffersUtf8 = (client.Capabilities & Pop3Capabilities.UTF8) != 0;
        if (OffersUtf8)
        {
            // RFC 6856: only in UTF8 mode does the server send a message with UTF-8 headers as it is; without it a
            // server may send a notice in its place. A refusal leaves the session usable; substitutes are then caught.
            try
            {
                await RunAsync(Phase.Login, _options.CommandTimeout,
                    async t => { await client.EnableUTF8Async(t).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
                Utf8 = true;
            }
            catch (RemotePollException e) when (e is { Kind: PollErrorKind.ProtocolError, SessionUsable: true })
            {
            }
        }
        LoginMethod = Pop3LoginPolicy.Choose(_options.Host.Host, _options.UseApop, _options.Apop, _transcript.Greeting);
        if (LoginMethod == Pop3LoginMethod.Apop && (client.Capabilities & Pop3Capabilities.Apop) == 0)
            LoginMethod = Pop3LoginMethod.UserPass;
        if (_credentials.Bearer is { } bearer) LoginMethod = ChooseBearerMethod(client, bearer);
        var credential = new NetworkCredential(_credentials.User, _credentials.Password);
        // Whatever the server offers, MailKit may only use the one method chosen above: no SASL
        // negotiation, no APOP unless chosen, no clear-text retry after a failed APOP.
        client.AuthenticationMechanisms.Clear();
        client.Capabilities &= ~Pop3Capabilities.Sasl;
        if (LoginMethod != Pop3LoginMethod.Apop) client.Capabilities &= ~Pop3Capabilities.Apop;
        await RunAsync(Phase.Login, _options.CommandTimeout, async t =>
        {
            switch (LoginMethod)
            {
                case Pop3LoginMethod.AuthMsn:
                    await client.AuthenticateAsync(new SaslMechanismMsn(credential), t).ConfigureAwait(false);
                    break;
                case Pop3LoginMethod.XOAuth2:
                    await client.AuthenticateAsync(new SaslMechanismOAuth2(_credentials.User, _credentials.Password), t).ConfigureAwait(false);
                    break;
                case Pop3LoginMethod.OAuthBearer:
                    await client.AuthenticateAsync(new SaslMechanismOAuthBearer(_credentials.User, _credentials.Password), t).ConfigureAwait(false);
                    break;
                case Pop3LoginMethod.Apop:
                    await client.AuthenticateAsync(CredentialEncoding, new SingleMethodCredentials(SingleMethodCredentials.Apop, credential), t).ConfigureAwait(false);
                    break;
                default:
                    await client.AuthenticateAsync(CredentialEncoding, new SingleMethodCredentials(SingleMethodCredentials.UserPass, credential), t).ConfigureAwait(false);
                    break;
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        // MailKit asked CAPA again after the login: a LOGIN-DELAY there is this user's (RFC 2449 6.8).
        LoginDelay = AnnouncedLoginDelay(client) ?? LoginDelay;
        // Message data need not be split into lines from now on.
        _transcript.TrackLines = false;
        Count = client.Count;
    }

    /// <summary>An OAuth2 record signs in with XOAUTH2 or OAUTHBEARER only: no password method is ever tried instead.</summary>
    private Pop3LoginMethod ChooseBearerMethod(Pop3Client client, OAuth2Bearer bearer)
    {
        var offered = (client.Capabilities & Pop3Capabilities.Sasl) != 0 ? client.AuthenticationMechanisms.ToArray() : [];
        return bearer.ChooseMechanism(offered) switch
        {
            "OAUTHBEARER" => Pop3LoginMethod.OAuthBearer,
            "XOAUTH2" => Pop3LoginMethod.XOAuth2,
            _ => throw Broken(PollErrorKind.ProtocolError,
                $"{Where}: the record signs in with OAuth2, but the server offers neither SASL XOAUTH2 nor OAUTHBEARER " +
                $"({(offered.Length == 0 ? "no SASL mechanism" : "it offers " + string.Join(' ', offered.Order(StringComparer.Ordinal)))}); no password was tried"),
        };
    }

    private Task<T> RunAsync<T>(Phase phase, TimeSpan limit, Func<CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken, int? batchIndex = null) =>
        CommandDeadline.RunAsync(limit, operation, (e, timedOut) =>
        {
            var error = Classify(e, phase, timedOut, limit, batchIndex);
            error.LoginDelay ??= LoginDelay;
            return error;
        }, Close, cancellationToken);

    private RemotePollException Classify(Exception e, Phase phase, bool timedOut, TimeSpan limit, int? batchIndex)
    {
        if (e is RemotePollException known) return known;
        var chain = Chain(e).ToList();
        var beforeLogin = phase is Phase.Connect or Phase.Login;
        var transport = beforeLogin ? PollErrorKind.ConnectionFailed : PollErrorKind.ConnectionLost;

        if (chain.OfType<StreamBoundExceededException>().FirstOrDefault() is { } bound)
            return bound.Bound == StreamBound.LineLength
                ? new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: {bound.Message}", e)
                : batchIndex is { } index
                    ? new RemotePollException(PollErrorKind.MessageTooLarge, $"{Where}: message {index + 1}: {bound.Message}", index, e)
                    : new RemotePollException(PollErrorKind.MessageTooLarge, $"{Where}: {bound.Message}", e);
        if (timedOut || chain.Any(x => x is TimeoutException))
            return new RemotePollException(transport, $"{Where}: no answer within {(timedOut ? limit : _options.CommandTimeout)} ({Describe(phase)})", e);
        // A refused token comes as a SASL challenge that MailKit's OAuth mechanisms cannot answer (RFC 7628 3.2.2).
        if (phase == Phase.Login && LoginMethod is Pop3LoginMethod.XOAuth2 or Pop3LoginMethod.OAuthBearer
            && e is Pop3ProtocolException && OAuth2Bearer.RefusalIn(_transcript.LastServerLine) is { } refusal)
            return new RemotePollException(PollErrorKind.AuthenticationFailed,
                $"{Where}: {Name(LoginMethod)} login as '{_credentials.User}' failed: the server refused the access token: {Truncate(refusal)}", e)
            {
                ServerResponse = refusal,
            };
        // RFC 2449/3206 response codes say why a login or a command was refused, whatever the wording.
        var refused = e is Pop3CommandException failed ? _transcript.Redact("-ERR " + failed.StatusText)
            : e is MailKit.Security.AuthenticationException or SaslException ? _transcript.LastServerLine : null;
        if (Pop3ResponseCode.Meaning(refused) is { } coded)
            return new RemotePollException(coded.Kind, phase == Phase.Login
                ? $"{Where}: {Name(LoginMethod)} login as '{_credentials.User}' refused: {coded.Why}: {Truncate(refused!)}"
                : $"{Where}: the server refused ({Describe(phase)}): {coded.Why}: {Truncate(refused!)}", e)
            {
                ServerResponse = refused,
            };
        if (e is MailKit.Security.AuthenticationException or SaslException)
        {
            var answer = _transcript.LastServerLine;
            var kind = answer is not null && LooksLocked(answer) ? PollErrorKind.MailboxLocked : PollErrorKind.AuthenticationFailed;
            return new RemotePollException(kind, $"{Where}: {Name(LoginMethod)} login as '{_credentials.User}' failed: {Truncate(answer ?? _transcript.Redact(e.Message))}", e)
            {
                ServerResponse = answer,
            };
        }
        if (_stream is { EndOfStreamSeen: true } || _stream is { FailureSeen: true }
            || chain.Any(x => x is IOException or SocketException or ServiceNotConnectedException or ObjectDisposedException))
            return new RemotePollException(transport, $"{Where}: the connection was lost ({Describe(phase)})", e);
        if (e is Pop3CommandException command)
        {
            var answer = _transcript.Redact(command.StatusText ?? command.Message);
            return new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: the server refused ({Describe(phase)}): {Truncate(answer)}", e)
            {
                ServerResponse = answer,
                SessionUsable = true,
            };
        }
        if (e is NotSupportedException)
            return new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: {e.Message}", e) { SessionUsable = true };
        if (e is Pop3ProtocolException && phase == Phase.Connect && _transcript.Greeting is { } greeting
            && greeting.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase))
            return new RemotePollException(PollErrorKind.ConnectionFailed, $"{Where}: the server refused the session: {Truncate(greeting)}", e)
            {
                ServerResponse = greeting,
            };
        if (e is Pop3ProtocolException or FormatException)
            return new RemotePollException(PollErrorKind.ProtocolError,
                $"{Where}: not POP3 ({Describe(phase)}): {Truncate(_transcript.Redact(e.Message))}", e);
        return new RemotePollException(PollErrorKind.Internal, $"{Where}: {e.GetType().Name}: {Truncate(_transcript.Redact(e.Message))}", e);
    }

    /// <summary>-ERR texts of a mailbox held by another session: RFC 2449 [IN-USE], and the usual wordings.</summary>
    private static bool LooksLocked(string answer) =>
        answer.Contains("[IN-USE]", StringComparison.OrdinalIgnoreCase)
        || answer.Contains("lock", StringComparison.OrdinalIgnoreCase)
        || answer.Contains("in use", StringComparison.OrdinalIgnoreCase)
        || answer.Contains("busy", StringComparison.OrdinalIgnoreCase);

    private static string Name(Pop3LoginMethod method) => method switch
    {
        Pop3LoginMethod.Apop => "APOP",
        Pop3LoginMethod.AuthMsn => "AUTH MSN",
        Pop3LoginMethod.XOAuth2 => "XOAUTH2",
        Pop3LoginMethod.OAuthBearer => "OAUTHBEARER",
        _ => "USER/PASS",
    };

    private static string Describe(Phase phase) => phase switch
    {
        Phase.Connect => "waiting for the greeting",
        Phase.Login => "logging in",
        Phase.Quit => "QUIT",
        _ => "retrieving",
    };

    private TimeSpan Scaled(int count, TimeSpan perItem) => _options.CommandTimeout + perItem * Math.Max(0, count - 1);

    private static int ToMilliseconds(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);

    private Pop3Client Live() =>
        _client is { IsConnected: true } c
            ? c
            : throw new RemotePollException(PollErrorKind.ConnectionLost, $"{Where}: {_closedReason ?? "the session is not connected"}");

    private RemotePollException Broken(PollErrorKind kind, string message)
    {
        Close(message);
        return new RemotePollException(kind, message);
    }

    private void CheckIndexes(IReadOnlyList<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        foreach (var i in indexes)
            if (i < 0 || i >= Count)
                throw new ArgumentOutOfRangeException(nameof(indexes), i, $"message indexes run from 0 to {Count - 1}");
    }

    private void Close(string reason)
    {
        _closedReason ??= reason;
        var client = _client;
        _client = null;
        client?.Dispose();
        _stream?.Dispose();
        _stream = null;
        _retriever = null;
    }
}
