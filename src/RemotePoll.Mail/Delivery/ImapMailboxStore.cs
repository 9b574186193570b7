using System.Net.Security;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Mailbox storage in a local IMAP server, logged in to each account as a master user (<c>user@domain*master</c>
/// for Dovecot). Folder paths are joined with the server's own delimiter in its personal namespace; a segment that
/// holds that delimiter cannot be stored and is refused. Missing folders are created (and subscribed) level by
/// level. A batch is written as its bytes are, on a connection the store opened itself (<see cref="ImapAppendWriter"/>):
/// with MULTIAPPEND when offered, one atomic command: all or none; when the server refuses it, or without MULTIAPPEND,
/// one APPEND per message, pipelined, so that one bad message does not hold back the rest. The store does the TLS too
/// (on connect, or STARTTLS: <see cref="ImapStartTls"/>), so every session writes APPEND this way.
/// The server's tagged OK is the acknowledgement. A call takes a logged-in session of its account kept from an earlier
/// call (checked with NOOP; one that died while idle is replaced) or opens one, and gives it back when it is still
/// sound, so the calls of one poll share one login (<see cref="ImapStoreOptions.SessionIdleTimeout"/>). Concurrent calls
/// never share a session.
/// </summary>
public sealed class ImapMailboxStore : IMailboxStore, IMailPasswordCheck, IAsyncDisposable
{
    private const MessageFlags StorableFlags =
        MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;

    private readonly string _host;
    private readonly int _port;
    private readonly ImapStoreOptions _options;
    private readonly Lock _idleGate = new();
    private readonly List<IdleSession> _idle = [];
    private readonly Timer? _sweeper;
    private bool _disposed;

    public ImapMailboxStore(string host, int port, ImapStoreOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        _host = host;
        _port = port;
        _options = options;
        // The timer holds the store weakly: a store nobody disposes can still be collected, and its timer with it.
        if (options.SessionIdleTimeout > TimeSpan.Zero)
            _sweeper = new Timer(static state => { if (((WeakReference<ImapMailboxStore>)state!).TryGetTarget(out var store)) store.CloseIdle(); },
                new WeakReference<ImapMailboxStore>(this), options.SessionIdleTimeout, options.SessionIdleTimeout);
    }

    /// <summary>A logged-in session kept for the next call to its account.</summary>
    private sealed record IdleSession(string Account, ImapClient Client, long Since);

    /// <summary>How many sessions are kept idle now.</summary>
    internal int IdleSessions
    {
        get { lock (_idleGate) return _idle.Count; }
    }

    /// <summary>Closes the idle sessions; later calls open their own sessions and keep none.</summary>
    public async ValueTask DisposeAsync()
    {
        IdleSession[] idle;
        lock (_idleGate)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        if (_sweeper is not null) await _sweeper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(idle.Select(s => CloseAndDisposeAsync(s.Client))).ConfigureAwait(false);
    }

    public async Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        return await InSessionAsync<bool>(account, async client =>
        {
            if (folder.IsInbox) return true;
            var ns = Namespace(client);
            var parent = client.GetFolder(ns);
            var existed = true;
            foreach (var level in folder.SelfAndAncestors())
            {
                var name = level.Segments[^1];
                CheckSegment(name, ns.DirectorySeparator, folder);
                IMailFolder? current = level.IsInbox ? client.Inbox : await FindAsync(client, FullName(ns, level), cancellationToken).ConfigureAwait(false);
                existed = current is not null;
                if (current is null)
                {
                    current = await parent.CreateAsync(name, isMessageFolder: true, cancellationToken).ConfigureAwait(false)
                        ?? await client.GetFolderAsync(FullName(ns, level), cancellationToken).ConfigureAwait(false);
                    await current.SubscribeAsync(cancellationToken).ConfigureAwait(false);
                }
                parent = current;
            }
            return existed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        return await InSessionAsync<bool>(account, async client =>
        {
            if (folder.IsInbox) return true;
            var ns = Namespace(client);
            foreach (var s in folder.Segments) CheckSegment(s, ns.DirectorySeparator, folder);
            return await FindAsync(client, FullName(ns, folder), cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken cancellationToken)
    {
        return await InSessionAsync<IReadOnlyList<MailboxPath>>(account, async client =>
        {
            var ns = Namespace(client);
            var folders = await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: false, cancellationToken).ConfigureAwait(false);
            var prefix = ns.Path.Length == 0 ? "" : ns.Path.TrimEnd(ns.DirectorySeparator) + ns.DirectorySeparator;
            var paths = new List<MailboxPath> { MailboxPath.Inbox };
            foreach (var f in folders)
            {
                if (f.Attributes.HasFlag(FolderAttributes.NonExistent) || f.Attributes.HasFlag(FolderAttributes.NoSelect)) continue;
                var name = f.FullName.StartsWith(prefix, StringComparison.Ordinal) ? f.FullName[prefix.Length..] : f.FullName;
                if (name.Length == 0) continue;
                var path = f.DirectorySeparator == '\0' ? MailboxPath.FromSegments([name]) : MailboxPath.Parse(name, f.DirectorySeparator);
                if (!paths.Contains(path)) paths.Add(path);
            }
            return paths.OrderBy(p => p.ToString(), StringComparer.Ordinal).ToArray();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>UID SEARCH HEADER X-RemotePoll-Mirror "rimap;"</c>, then the header block of each hit: a copy is one whose
    /// first field is the mark (a message that merely holds such a field further down is not).
    /// </summary>
    public async Task<FolderMessages> CountMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        return await InSessionAsync<FolderMessages>(account, async client =>
        {
            var target = await OpenTargetAsync(client, folder, cancellationToken).ConfigureAwait(false);
            if (target is null) return FolderMessages.None;
            await target.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            var copies = await MirrorCopiesAsync(target, cancellationToken).ConfigureAwait(false);
            return new FolderMessages(copies.Count, target.Count - copies.Count);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the mirror's copies \Deleted and expunges exactly those (UID EXPUNGE, RFC 4315). A server without UIDPLUS
    /// gets a plain EXPUNGE only when no other message of the folder is marked \Deleted; otherwise nothing is removed
    /// and the store says it cannot (other people's deleted-but-kept mail is not RemotePoll's to expunge).
    /// </summary>
    public async Task<FolderMessages> RemoveMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        return await InSessionAsync<FolderMessages>(account, async client =>
        {
            var target = await OpenTargetAsync(client, folder, cancellationToken).ConfigureAwait(false);
            if (target is null) return FolderMessages.None;
            await target.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
            if (target.Count == 0) return FolderMessages.None;
            var copies = await MirrorCopiesAsync(target, cancellationToken).ConfigureAwait(false);
            if (copies.Count == 0) return new FolderMessages(0, target.Count);
            await ExpungeCopiesAsync(client, target, copies, account, folder, cancellationToken).ConfigureAwait(false);
            return new FolderMessages(copies.Count, target.Count);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the copies \Deleted and expunges exactly those (UID EXPUNGE, RFC 4315); without UIDPLUS a plain EXPUNGE,
    /// only when no other message of the folder is marked \Deleted.
    /// </summary>
    private async Task ExpungeCopiesAsync(ImapClient client, IMailFolder target, IList<UniqueId> copies, string account, MailboxPath folder,
        CancellationToken cancellationToken)
    {
        var uidPlus = client.Capabilities.HasFlag(ImapCapabilities.UidPlus);
        if (!uidPlus)
        {
            var deleted = await target.SearchAsync(SearchQuery.Deleted, cancellationToken).ConfigureAwait(false);
            if (deleted.Except(copies).Any())
                throw new NotSupportedException(
                    $"IMAP {_host}:{_port}: '{folder}' of {account} holds other messages marked \\Deleted and the server has no UIDPLUS " +
                    "(UID EXPUNGE): the mirror's copies cannot be removed without expunging them too");
        }
        await target.AddFlagsAsync(copies, MessageFlags.Deleted, silent: true, cancellationToken).ConfigureAwait(false);
        if (uidPlus) await target.ExpungeAsync(copies, cancellationToken).ConfigureAwait(false);
        else await target.ExpungeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The mirror's copies (first header field the mark) with their FLAGS: a copy of this UIDVALIDITY whose UID the server said
    /// gone is expunged as a refill would (UID EXPUNGE); one whose system flags differ from the remote's gets
    /// <c>UID STORE +FLAGS.SILENT</c> / <c>-FLAGS.SILENT</c> of the difference (keywords stay). Nothing else is touched.
    /// </summary>
    public async Task<MirrorSyncResult> ApplyMirrorChangesAsync(string account, MailboxPath folder, MirrorChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return await InSessionAsync<MirrorSyncResult>(account, async client =>
        {
            var target = await OpenTargetAsync(client, folder, cancellationToken).ConfigureAwait(false);
            if (target is null) return MirrorSyncResult.None;
            await target.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
            if (target.Count == 0) return MirrorSyncResult.None;
            var hits = await target.SearchAsync(SearchQuery.HeaderContains(MirrorStamp.HeaderName, MirrorStamp.ValuePrefix), cancellationToken)
                .ConfigureAwait(false);
            if (hits.Count == 0) return MirrorSyncResult.None;
            var heads = await target.FetchAsync(hits, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { Headers = HeaderSet.All },
                cancellationToken).ConfigureAwait(false);
            var gone = new List<UniqueId>();
            var changed = 0;
            foreach (var head in heads)
            {
                if (head.Headers is not { Count: > 0 } list || !MirrorStamp.IsMarkField(list[0].Field, list[0].Value)
                    || MirrorStamp.Read(list[0].Value) is not { } mark || mark.UidValidity != changes.UidValidity) continue;
                if (changes.IsGone(mark.Uid))
                {
                    gone.Add(head.UniqueId);
                    continue;
                }
                if (!changes.Flags.TryGetValue(mark.Uid, out var wanted)) continue;
                wanted &= StorableFlags;
                var have = (head.Flags ?? MessageFlags.None) & StorableFlags;
                if (wanted == have) continue;
                if ((wanted & ~have) != 0) await target.AddFlagsAsync(head.UniqueId, wanted & ~have, silent: true, cancellationToken).ConfigureAwait(false);
                if ((have & ~wanted) != 0) await target.RemoveFlagsAsync(head.UniqueId, have & ~wanted, silent: true, cancellationToken).ConfigureAwait(false);
                changed++;
            }
            if (gone.Count > 0) await ExpungeCopiesAsync(client, target, gone, account, folder, cancellationToken).ConfigureAwait(false);
            return new MirrorSyncResult(changed, gone.Count);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IList<UniqueId>> MirrorCopiesAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var hits = await folder.SearchAsync(SearchQuery.HeaderContains(MirrorStamp.HeaderName, MirrorStamp.ValuePrefix), cancellationToken)
            .ConfigureAwait(false);
        if (hits.Count == 0) return [];
        var heads = await folder.FetchAsync(hits, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = HeaderSet.All }, cancellationToken)
            .ConfigureAwait(false);
        return heads
            .Where(h => h.Headers is { Count: > 0 } list && MirrorStamp.IsMarkField(list[0].Field, list[0].Value))
            .Select(h => h.UniqueId)
            .ToList();
    }

    /// <summary>One <c>UID SEARCH HEADER X-RemotePoll-Delivery ID</c> per id in the folder; a missing folder has none.</summary>
    public async Task<IReadOnlySet<string>?> FindStampedAsync(string account, MailboxPath folder, IReadOnlyCollection<string> ids,
        CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0) return found;
        return await InSessionAsync<IReadOnlySet<string>?>(account, async client =>
        {
            var target = await OpenTargetAsync(client, folder, cancellationToken).ConfigureAwait(false);
            if (target is null) return found;
            await target.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            foreach (var id in ids)
            {
                var hits = await target.SearchAsync(SearchQuery.HeaderContains(DeliveryStamp.HeaderName, id), cancellationToken).ConfigureAwait(false);
                if (hits.Count > 0) found.Add(id);
            }
            return found;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(
        string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return [];
        var outcomes = new DeliveryOutcome?[messages.Count];
        ImapClient client;
        try
        {
            client = await RentAsync(account, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUnavailableException e)
        {
            return Enumerable.Repeat(DeliveryOutcome.Temporary("4.4.1 " + e.Message), messages.Count).ToArray();
        }
        var sound = false;
        {
            try
            {
                var target = await OpenTargetAsync(client, folder, cancellationToken).ConfigureAwait(false);
                if (target is null)
                    return Enumerable.Repeat(DeliveryOutcome.Temporary($"4.2.0 mailbox '{folder}' of {account} does not exist"), messages.Count).ToArray();

                var writer = new ImapAppendWriter(((WiredImapClient)client).Wire!, client.Capabilities.HasFlag(ImapCapabilities.LiteralPlus),
                    client.Capabilities.HasFlag(ImapCapabilities.LiteralMinus), _options.CommandTimeout);
                try
                {
                    await AppendRawAsync(writer, ModifiedUtf7.Encode(target.FullName), messages, outcomes,
                        client.Capabilities.HasFlag(ImapCapabilities.MultiAppend), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    sound = writer.Sound;
                }
                return outcomes.Select(o => o!).ToArray();
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                sound = e is ImapCommandException;
                var lost = DeliveryOutcome.Temporary($"4.4.2 IMAP {_host}:{_port}: {e.Message}");
                for (var i = 0; i < outcomes.Length; i++) outcomes[i] ??= lost;
            }
            finally
            {
                await GiveBackAsync(account, client, sound).ConfigureAwait(false);
            }
        }
        return outcomes.Select(o => o!).ToArray();
    }

    /// <summary>
    /// The batch written as it is: one MULTIAPPEND when offered (all or nothing; when refused, nothing was stored and each
    /// message is tried alone), else one pipelined APPEND per message. Each tagged OK is that message's acknowledgement.
    /// </summary>
    /// <exception cref="IOException">The session broke; the messages answered before it keep their outcomes.</exception>
    private static async Task AppendRawAsync(ImapAppendWriter writer, string mailbox, IReadOnlyList<MessageToStore> messages,
        DeliveryOutcome?[] outcomes, bool multiAppend, CancellationToken cancellationToken)
    {
        if (messages.Count > 1 && multiAppend)
        {
            var all = await writer.MultiAppendAsync(mailbox, messages, cancellationToken).ConfigureAwait(false);
            if (all.Status == "OK")
            {
                Array.Fill(outcomes, DeliveryOutcome.Delivered);
                return;
            }
        }
        try
        {
            await writer.AppendEachAsync(mailbox, messages, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            for (var i = 0; i < writer.Answers.Length; i++)
                if (writer.Answers[i] is { } answer) outcomes[i] = OutcomeOf(answer.Status, answer.Text);
        }
    }

    // NO is the server declining now (quota, lock, missing folder: [TRYCREATE]); BAD is a message it will never take,
    // and so is NO [TOOBIG] (RFC 4469, 7889: over the server's size limit) or NO [LIMIT] (RFC 5530: a hard limit, which
    // Dovecot answers for a message over quota_max_mail_size): asking again gets the same answer, like SMTP's 552 5.3.4.
    private static DeliveryOutcome OutcomeOf(string status, string text) => status switch
    {
        "OK" => DeliveryOutcome.Delivered,
        "BAD" => DeliveryOutcome.Permanent($"5.6.0 APPEND BAD {text}"),
        _ when text.StartsWith("[TOOBIG]", StringComparison.OrdinalIgnoreCase) || text.StartsWith("[LIMIT]", StringComparison.OrdinalIgnoreCase)
            => DeliveryOutcome.Permanent($"5.3.4 APPEND NO {text}"),
        _ => DeliveryOutcome.Temporary($"4.2.0 APPEND NO {text}"),
    };

    /// <summary>
    /// Whether the local IMAP server accepts <paramref name="password"/> for <paramref name="account"/> itself (not as
    /// the master user): the web sign-in of an account user with their own mail password.
    /// </summary>
    /// <exception cref="DeliveryUnavailableException">The server could not be reached or did not answer.</exception>
    public async Task<bool> CheckPasswordAsync(string account, string password, CancellationToken cancellationToken)
    {
        AddressParts.Split(account, "account");
        using var client = new ImapClient { Timeout = (int)_options.CommandTimeout.TotalMilliseconds };
        if (_options.ServerCertificateValidation is { } validate) client.ServerCertificateValidationCallback = validate;
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(_options.ConnectTimeout);
                await client.ConnectAsync(_host, _port, _options.Security, cts.Token).ConfigureAwait(false);
            }
            try
            {
                if (client.AuthenticationMechanisms.Contains("PLAIN"))
                    await client.AuthenticateAsync(new SaslMechanismPlain(account, password), cancellationToken).ConfigureAwait(false);
                else
                    await client.AuthenticateAsync(account, password, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationException)
            {
                return false;
            }
            await CloseAsync(client).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsStoreFailure(e) || e is SslHandshakeException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Unavailable(account, e);
        }
    }

    /// <summary>
    /// One logged-in session for <paramref name="work"/>, closed after it; a store failure becomes
    /// <see cref="DeliveryUnavailableException"/> naming the account.
    /// </summary>
    private async Task<T> InSessionAsync<T>(string account, Func<ImapClient, Task<T>> work, CancellationToken cancellationToken)
    {
        var client = await RentAsync(account, cancellationToken).ConfigureAwait(false);
        var sound = false;
        try
        {
            var result = await work(client).ConfigureAwait(false);
            sound = true;
            return result;
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            // A command the server answered NO or BAD leaves the session as it was; anything else ends it.
            sound = e is ImapCommandException;
            throw Unavailable(account, e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            sound = true;
            throw;
        }
        finally
        {
            await GiveBackAsync(account, client, sound).ConfigureAwait(false);
        }
    }

    /// <summary>A session of the account kept from an earlier call, still answering NOOP; else a new one.</summary>
    /// <exception cref="DeliveryUnavailableException">No session could be opened.</exception>
    private async Task<ImapClient> RentAsync(string account, CancellationToken cancellationToken)
    {
        while (TakeIdle(account) is { } kept)
        {
            try
            {
                await kept.NoOpAsync(cancellationToken).ConfigureAwait(false);
                return kept;
            }
            catch (Exception e) when (IsStoreFailure(e) || e is OperationCanceledException)
            {
                // It died while idle (the server's autologout, a restart): open a fresh one instead.
                await CloseAndDisposeAsync(kept).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        return await OpenAsync(account, cancellationToken).ConfigureAwait(false);
    }

    private ImapClient? TakeIdle(string account)
    {
        lock (_idleGate)
        {
            var at = _idle.FindLastIndex(s => s.Account == account);
            if (at < 0) return null;
            var kept = _idle[at];
            _idle.RemoveAt(at);
            return kept.Client;
        }
    }

    /// <summary>Keeps a sound session for the account's next call (closing the longest idle beyond the bound), else closes it.</summary>
    private async Task GiveBackAsync(string account, ImapClient client, bool sound)
    {
        IdleSession? evicted = null;
        var keep = sound && client.IsConnected && client.IsAuthenticated && _options.SessionIdleTimeout > TimeSpan.Zero && _options.MaxIdleSessions > 0;
        if (keep)
        {
            lock (_idleGate)
            {
                if (_disposed) keep = false;
                else
                {
                    _idle.Add(new IdleSession(account, client, Environment.TickCount64));
                    if (_idle.Count > _options.MaxIdleSessions)
                    {
                        evicted = _idle[0];
                        _idle.RemoveAt(0);
                    }
                }
            }
        }
        if (!keep) await CloseAndDisposeAsync(client).ConfigureAwait(false);
        if (evicted is not null) await CloseAndDisposeAsync(evicted.Client).ConfigureAwait(false);
    }

    /// <summary>Closes the sessions idle longer than the timeout.</summary>
    private void CloseIdle()
    {
        List<IdleSession> expired;
        var oldest = Environment.TickCount64 - (long)_options.SessionIdleTimeout.TotalMilliseconds;
        lock (_idleGate)
        {
            expired = _idle.Where(s => s.Since <= oldest).ToList();
            _idle.RemoveAll(expired.Contains);
        }
        foreach (var s in expired) _ = CloseAndDisposeAsync(s.Client);
    }

    private static async Task CloseAndDisposeAsync(ImapClient client)
    {
        await CloseAsync(client).ConfigureAwait(false);
        client.Dispose();
        if (client is WiredImapClient { Wire: { } wire }) await wire.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<ImapClient> OpenAsync(string account, CancellationToken cancellationToken)
    {
        AddressParts.Split(account, "account");
        var client = new WiredImapClient { Timeout = (int)_options.CommandTimeout.TotalMilliseconds };
        if (_options.ServerCertificateValidation is { } validate) client.ServerCertificateValidationCallback = validate;
        try
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(_options.ConnectTimeout);
                client.Wire = await OpenWireAsync(cts.Token).ConfigureAwait(false);
                await client.ConnectAsync(client.Wire, _host, _port, SecureSocketOptions.None, cts.Token).ConfigureAwait(false);
            }
            // One PLAIN exchange: trying every mechanism in turn would collect the server's failure delay for each.
            var login = account + _options.MasterSeparator + _options.MasterUser;
            if (client.AuthenticationMechanisms.Contains("PLAIN"))
                await client.AuthenticateAsync(new SaslMechanismPlain(login, _options.MasterPassword), cancellationToken).ConfigureAwait(false);
            else
                await client.AuthenticateAsync(login, _options.MasterPassword, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (Exception e) when (IsStoreFailure(e) || e is AuthenticationException or SslHandshakeException
            or System.Security.Authentication.AuthenticationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            if (client.Wire is { } wire) await wire.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(account, e);
        }
    }

    /// <summary>
    /// The connection and its TLS (on connect, or STARTTLS: <see cref="ImapStartTls"/>), owned by the store rather than
    /// MailKit: APPEND is then written on it as it is (<see cref="ImapAppendWriter"/>). Auto is MailKit's: TLS on connect
    /// on port 993, else STARTTLS when offered.
    /// </summary>
    private async Task<Stream> OpenWireAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Stream wire = new NetworkStream(socket, ownsSocket: true);
        var security = _options.Security == SecureSocketOptions.Auto
            ? _port == 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable
            : _options.Security;
        try
        {
            return security switch
            {
                SecureSocketOptions.None => wire,
                SecureSocketOptions.SslOnConnect => await HandshakeAsync(wire, cancellationToken).ConfigureAwait(false),
                _ => await ImapStartTls.NegotiateAsync(wire, required: security == SecureSocketOptions.StartTls, HandshakeAsync, cancellationToken)
                    .ConfigureAwait(false),
            };
        }
        catch
        {
            await wire.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Stream> HandshakeAsync(Stream wire, CancellationToken cancellationToken)
    {
        var tls = new SslStream(wire, leaveInnerStreamOpen: false, _options.ServerCertificateValidation);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _host }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A MailKit client over a connection the store opened itself (<see cref="OpenWireAsync"/>).</summary>
    private sealed class WiredImapClient : ImapClient
    {
        public Stream? Wire { get; set; }
    }

    private static async Task<IMailFolder?> OpenTargetAsync(ImapClient client, MailboxPath folder, CancellationToken cancellationToken)
    {
        if (folder.IsInbox) return client.Inbox;
        var ns = Namespace(client);
        foreach (var s in folder.Segments) CheckSegment(s, ns.DirectorySeparator, folder);
        return await FindAsync(client, FullName(ns, folder), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IMailFolder?> FindAsync(ImapClient client, string fullName, CancellationToken cancellationToken)
    {
        try
        {
            var folder = await client.GetFolderAsync(fullName, cancellationToken).ConfigureAwait(false);
            return folder.Attributes.HasFlag(FolderAttributes.NonExistent) ? null : folder;
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }

    private static FolderNamespace Namespace(ImapClient client) =>
        client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");

    private static string FullName(FolderNamespace ns, MailboxPath path)
    {
        if (path.IsInbox) return MailboxPath.InboxName;
        var prefix = ns.Path.Length == 0 ? "" : ns.Path.TrimEnd(ns.DirectorySeparator) + ns.DirectorySeparator;
        return prefix + path.ToString(ns.DirectorySeparator);
    }

    private static void CheckSegment(string segment, char delimiter, MailboxPath folder)
    {
        if (delimiter != '\0' && segment.Contains(delimiter))
            throw new ArgumentException(
                $"mailbox '{folder}': the name '{segment}' holds '{delimiter}', the IMAP server's hierarchy delimiter, and cannot be stored there", nameof(folder));
    }

    private static bool IsStoreFailure(Exception e) =>
        e is IOException or System.Net.Sockets.SocketException or TimeoutException or ImapProtocolException or ImapCommandException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or ObjectDisposedException;

    private DeliveryUnavailableException Unavailable(string account, Exception e) =>
        new($"IMAP {_host}:{_port} for {account}: {e.Message}", e);

    private static async Task CloseAsync(ImapClient client)
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (client.IsConnected) await client.DisconnectAsync(true, quick.Token).ConfigureAwait(false);
        }
        catch (Exception) { /* the session ends either way */ }
    }
}
