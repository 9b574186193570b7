using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using static RemotePoll.Mail.Net.FailureText;
using RemotePoll.Mail.OAuth;
using RemotePoll.Mail.Pop3;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// One read-only IMAP session with a remote account, on MailKit's <see cref="ImapClient"/>: own socket (optional
/// source address), implicit TLS or a required STARTTLS validated by <see cref="CertificateTrust"/>, login by
/// the record's method only (Normal: AUTHENTICATE PLAIN or LOGIN; Encrypted: CRAM-MD5, never clear text),
/// LIST, EXAMINE and UID FETCH with BODY.PEEK: nothing on the server is ever changed. Every call is bounded in
/// time and in bytes; every failure is an <see cref="RemotePollException"/>. Not thread-safe.
/// </summary>
internal sealed class RimapSession : IAsyncDisposable
{
    private const long ControlBudget = 1024 * 1024;
    private const long ListBudget = 32L * 1024 * 1024;
    private const long PerMessageOverhead = 2048;
    // The slowest transfer tolerated once data flows, beyond the command timeout (silence is bounded separately).
    private const long MinimumBytesPerSecond = 64 * 1024;

    private readonly RimapMirrorRequest _request;
    private readonly RimapTranscript _transcript;
    private readonly SessionLink _link;
    private ImapClient? _client;
    private BoundedStream? _stream;
    private string? _closedReason;
    private bool _quickResync;
    /// <summary>The folders besides INBOX that NOTIFY watches (RFC 5465); empty: IDLE on INBOX only.</summary>
    private IReadOnlyList<ImapFolder> _notified = [];
    /// <summary>Each watched folder's MESSAGES and UIDNEXT when last seen by push, kept from one IDLE to the next.</summary>
    private readonly Dictionary<IMailFolder, (int Count, uint UidNext)> _announced = [];

    private RimapSession(RimapMirrorRequest request, SessionLink link, IProtocolLog? log)
    {
        _request = request;
        _link = link;
        _transcript = new RimapTranscript(log, request.Bearer?.AccessToken ?? request.Password);
    }

    private enum Phase
    {
        Connect,
        Login,
        Session,
        Logout,
    }

    /// <summary>The address actually connected to (for the self-poll check and the log).</summary>
    public IPEndPoint? RemoteEndPoint => _link.RemoteEndPoint;

    /// <summary>The SASL mechanism or command the session logged in with: PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or OAUTHBEARER.</summary>
    public string? LoginMethod { get; private set; }

    public string Where => _link.Where;

    /// <summary>Connects, secures the connection as the record says and logs in.</summary>
    /// <exception cref="RemotePollException">
    /// ConnectionFailed (resolution, refusal, silence, BYE greeting), TlsFailed (handshake, certificate, CA file,
    /// STARTTLS not offered or refused), ProtocolError (not IMAP; CRAM-MD5 or clear-text login not offered),
    /// AuthenticationFailed, MailboxLocked.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<RimapSession> OpenAsync(RimapMirrorRequest request, IProtocolLog? log, CancellationToken cancellationToken)
    {
        var link = new SessionLink(request.Host, request.Port, request, request.Trust, request.SourceAddress, request.Resolver);
        var session = new RimapSession(request, link, log);
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

    /// <summary>
    /// The selectable folders whose names match <paramref name="pattern"/> (LIST semantics), in name order.
    /// The personal namespaces are listed with <c>*</c> (MailKit sends no other pattern) and the pattern is
    /// applied to the decoded names; \Noselect and \NonExistent entries are left out, their children are not.
    /// <para>Only the account's own mail is mirrored (RFC 2342): folders of the other users' and shared namespaces that
    /// the server announces with NAMESPACE are left out, even when a personal LIST returns them (a personal namespace
    /// with an empty prefix), unless the pattern names that namespace's prefix explicitly (<c>Shared Folders/*</c>);
    /// such a namespace is then listed too. A server without NAMESPACE: everything LIST returns.</para>
    /// </summary>
    /// <exception cref="RemotePollException">ProtocolError, ConnectionLost.</exception>
    public async Task<IReadOnlyList<RimapRemoteFolder>> ListFoldersAsync(string pattern, CancellationToken cancellationToken)
    {
        var client = Live();
        var items = client.Capabilities.HasFlag(ImapCapabilities.ListStatus)
            ? StatusItems.UidValidity | StatusItems.UidNext | StatusItems.Count
            : StatusItems.None;
        var foreign = client.OtherNamespaces.Concat(client.SharedNamespaces).Where(ns => Prefix(ns).Length > 0).ToArray();
        var named = foreign.Where(ns => NamesNamespace(pattern, ns)).ToArray();
        var excluded = foreign.Except(named).ToArray();
        var listed = await RunAsync(Phase.Session, _request.CommandTimeout, ListBudget, async t =>
        {
            var all = new List<IMailFolder>();
            foreach (var ns in client.PersonalNamespaces.Concat(named))
                all.AddRange(await client.GetFoldersAsync(ns, items, subscribedOnly: false, t).ConfigureAwait(false));
            return all;
        }, cancellationToken).ConfigureAwait(false);
        if (client.Inbox is { } inbox && !listed.Any(f => f.FullName.Equals(inbox.FullName, StringComparison.OrdinalIgnoreCase)))
            listed.Add(inbox);

        var folders = new List<RimapRemoteFolder>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in listed)
        {
            if ((f.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) != 0) continue;
            if (f.FullName.Length == 0 || !seen.Add(f.FullName)) continue;
            if (excluded.Any(ns => InNamespace(f.FullName, ns))) continue;
            if (!ImapListPattern.Matches(pattern, f.FullName, f.DirectorySeparator)) continue;
            if (f is not ImapFolder imap) continue;
            folders.Add(new RimapRemoteFolder(f.FullName, f.DirectorySeparator,
                f.UidValidity == 0 ? null : f.UidValidity, f.UidNext?.Id, imap));
        }
        return folders.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The namespace's prefix without its trailing delimiter: <c>Other Users</c>, <c>#shared</c>.</summary>
    private static string Prefix(FolderNamespace ns) =>
        ns.DirectorySeparator == '\0' ? ns.Path : ns.Path.TrimEnd(ns.DirectorySeparator);

    private static bool InNamespace(string name, FolderNamespace ns)
    {
        var prefix = Prefix(ns);
        return name == prefix || (name.StartsWith(prefix, StringComparison.Ordinal)
            && (ns.DirectorySeparator == '\0' || (name.Length > prefix.Length && name[prefix.Length] == ns.DirectorySeparator)));
    }

    /// <summary>Whether the literal start of the pattern (before its first wildcard) names the namespace's prefix.</summary>
    private static bool NamesNamespace(string pattern, FolderNamespace ns)
    {
        var wildcard = pattern.IndexOfAny(['*', '%']);
        var literal = wildcard < 0 ? pattern : pattern[..wildcard];
        var prefix = Prefix(ns);
        return literal.StartsWith(prefix, StringComparison.Ordinal)
            && (literal.Length == prefix.Length || ns.DirectorySeparator == '\0' || literal[prefix.Length] == ns.DirectorySeparator);
    }

    /// <summary>
    /// For Sync Flags: turns QRESYNC on (RFC 7162 ENABLE) where the server offers it, so that EXAMINE can report what
    /// changed since a saved state. Nothing changes on the server.
    /// </summary>
    /// <exception cref="RemotePollException">ProtocolError, ConnectionLost.</exception>
    public async Task EnableQuickResyncAsync(CancellationToken cancellationToken)
    {
        var client = Live();
        if (!client.Capabilities.HasFlag(ImapCapabilities.QuickResync)) return;
        try
        {
            await RunAsync(Phase.Session, _request.CommandTimeout, ControlBudget,
                t => client.EnableQuickResyncAsync(t), cancellationToken).ConfigureAwait(false);
            _quickResync = true;
        }
        catch (RemotePollException e) when (e.SessionUsable)
        {
            // Refused: the sync goes on with CONDSTORE or a scan.
        }
    }

    /// <summary>
    /// Opens the folder read-only (EXAMINE): nothing in it can change through this session. With QRESYNC enabled and a saved
    /// state that knows the folder's HIGHESTMODSEQ (<paramref name="since"/>), <c>EXAMINE folder (QRESYNC (uidvalidity modseq
    /// 1:highest))</c>: the server's FETCH and VANISHED (EARLIER) answers are the changes since then
    /// (<see cref="RimapExamined.Resynced"/>), valid when the UIDVALIDITY is still the saved one.
    /// </summary>
    /// <exception cref="RemotePollException">ProtocolError (refused: the session stays usable), ConnectionLost.</exception>
    public async Task<RimapExamined> ExamineAsync(RimapRemoteFolder folder, CancellationToken cancellationToken, RimapFolderState? since = null)
    {
        Live();
        var f = folder.Folder;
        if (_quickResync && since is { HighestModSeq: > 0, HighestUid: > 0, UidValidity: > 0 })
            return await ResyncAsync(folder, since, cancellationToken).ConfigureAwait(false);
        await RunAsync(Phase.Session, _request.CommandTimeout, ControlBudget,
            async t => await f.OpenAsync(FolderAccess.ReadOnly, t).ConfigureAwait(false), cancellationToken, folder.Name).ConfigureAwait(false);
        return Examined(folder);
    }

    private RimapExamined Examined(RimapRemoteFolder folder, MirrorChanges? resynced = null)
    {
        var f = folder.Folder;
        if (f.UidValidity == 0)
            throw new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: EXAMINE '{folder.Name}' sent no UIDVALIDITY")
            { RemoteFolder = folder.Name, SessionUsable = true };
        return new RimapExamined(f.UidValidity, f.UidNext?.Id, f.Count, f.HighestModSeq, resynced);
    }

    private async Task<RimapExamined> ResyncAsync(RimapRemoteFolder folder, RimapFolderState since, CancellationToken cancellationToken)
    {
        var f = folder.Folder;
        var flags = new Dictionary<uint, MessageFlags>();
        var vanished = new HashSet<uint>();
        var unnamed = false;
        void Flagged(object? sender, MessageFlagsChangedEventArgs e)
        {
            if (e.UniqueId is { } uid) flags[uid.Id] = e.Flags & ~MessageFlags.Recent;
            else unnamed = true;
        }
        void Vanished(object? sender, MessagesVanishedEventArgs e) => vanished.UnionWith(e.UniqueIds.Select(u => u.Id));
        f.MessageFlagsChanged += Flagged;
        f.MessagesVanished += Vanished;
        try
        {
            var known = new UniqueIdRange(new UniqueId(since.UidValidity, 1), new UniqueId(since.UidValidity, since.HighestUid));
            await RunAsync(Phase.Session, Scaled(since.HighestUid * 64L), since.HighestUid * 256L + ControlBudget,
                async t => await f.OpenAsync(FolderAccess.ReadOnly, since.UidValidity, since.HighestModSeq, known, t).ConfigureAwait(false),
                cancellationToken, folder.Name).ConfigureAwait(false);
        }
        finally
        {
            f.MessageFlagsChanged -= Flagged;
            f.MessagesVanished -= Vanished;
        }
        // A FETCH without its UID cannot be placed (RFC 7162 requires it): the changes are then learnt by a scan instead.
        var valid = !unnamed && f.UidValidity == since.UidValidity && f.HighestModSeq > 0;
        return Examined(folder, valid ? new MirrorChanges(since.UidValidity, since.HighestUid, flags, null, vanished) : null);
    }

    /// <summary>
    /// The remote flags and expunges of the messages up to <paramref name="since"/>'s highest UID, for Sync Flags: what
    /// EXAMINE (QRESYNC) reported; else with CONDSTORE <c>UID FETCH 1:highest (FLAGS) (CHANGEDSINCE modseq)</c> and
    /// <c>UID SEARCH UID 1:highest</c> for the UIDs still there; else (or with no saved HIGHESTMODSEQ) a full
    /// <c>UID FETCH 1:highest (FLAGS)</c>. Only read: nothing changes on the server.
    /// </summary>
    /// <exception cref="RemotePollException">ProtocolError, ConnectionLost.</exception>
    public async Task<(MirrorChanges Changes, string How)> ChangesAsync(RimapRemoteFolder folder, RimapExamined examined, RimapFolderState since,
        CancellationToken cancellationToken)
    {
        Live();
        var validity = examined.UidValidity;
        if (examined.Resynced is { } resynced) return (resynced, "QRESYNC");
        var none = new HashSet<uint>();
        if (since.HighestUid == 0 || examined.Count == 0)
            return (new MirrorChanges(validity, since.HighestUid, new Dictionary<uint, MessageFlags>(), none, none), "empty");
        var range = new UniqueIdRange(new UniqueId(validity, 1), new UniqueId(validity, since.HighestUid));
        var scan = examined.Count * PerMessageOverhead + ControlBudget;
        var condStore = examined.HighestModSeq > 0 && since.HighestModSeq > 0;
        IList<IMessageSummary> fetched = condStore && since.HighestModSeq >= examined.HighestModSeq ? []
            : await RunAsync(Phase.Session, Scaled(examined.Count * 64L), scan, t => condStore
                ? folder.Folder.FetchAsync(range, since.HighestModSeq, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags, t)
                : folder.Folder.FetchAsync(range, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags, t),
                cancellationToken, folder.Name).ConfigureAwait(false);
        var flags = new Dictionary<uint, MessageFlags>();
        foreach (var s in fetched)
            if (s.UniqueId.IsValid && s.UniqueId.Id <= since.HighestUid && s.Flags is { } f) flags[s.UniqueId.Id] = f & ~MessageFlags.Recent;
        if (!condStore)
            return (new MirrorChanges(validity, since.HighestUid, flags, flags.Keys.ToHashSet(), none), "full scan");
        var present = await RunAsync(Phase.Session, Scaled(examined.Count * 16L), examined.Count * 16L + ControlBudget,
            t => folder.Folder.SearchAsync(SearchQuery.Uids(range), t), cancellationToken, folder.Name).ConfigureAwait(false);
        return (new MirrorChanges(validity, since.HighestUid, flags, present.Select(u => u.Id).ToHashSet(), none), "CONDSTORE");
    }

    /// <summary>UID, size, flags, keywords and internal date of every message above <paramref name="afterUid"/>, by UID.</summary>
    /// <exception cref="RemotePollException">ProtocolError, ConnectionLost.</exception>
    public async Task<IReadOnlyList<RimapRemoteMessage>> ListNewAsync(RimapRemoteFolder folder, RimapExamined examined, uint afterUid,
        CancellationToken cancellationToken)
    {
        Live();
        if (examined.Count == 0 || afterUid == uint.MaxValue) return [];
        // UIDNEXT says nothing is new: "n:*" would still answer the last message.
        if (examined.UidNext is { } next && next > 0 && next - 1 <= afterUid) return [];
        var range = new UniqueIdRange(new UniqueId(examined.UidValidity, afterUid + 1), UniqueId.MaxValue);
        var summaries = await RunAsync(Phase.Session, Scaled(examined.Count * 256L), examined.Count * PerMessageOverhead + ControlBudget,
            t => folder.Folder.FetchAsync(range, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags
                | MessageSummaryItems.InternalDate | MessageSummaryItems.Size, t),
            cancellationToken, folder.Name).ConfigureAwait(false);
        // "n:*" also answers the last message when n is above every UID: keep only what is really new.
        return summaries
            .Where(s => s.UniqueId.IsValid && s.UniqueId.Id > afterUid)
            .DistinctBy(s => s.UniqueId.Id)
            .OrderBy(s => s.UniqueId.Id)
            .Select(s => new RimapRemoteMessage(s.UniqueId.Id, s.Size, (s.Flags ?? MessageFlags.None) & ~MessageFlags.Recent,
                s.Keywords?.ToArray() ?? [], s.InternalDate))
            .ToArray();
    }

    /// <summary>
    /// The content of a batch of messages with one <c>UID FETCH set (BODY.PEEK[])</c>: \Seen is not set.
    /// Messages the server no longer has are missing from the answer.
    /// </summary>
    /// <exception cref="RemotePollException">MessageTooLarge (the server sent more than it listed), ProtocolError, ConnectionLost.</exception>
    public async Task<IReadOnlyDictionary<uint, byte[]>> FetchAsync(RimapRemoteFolder folder, RimapExamined examined,
        IReadOnlyList<RimapRemoteMessage> messages, CancellationToken cancellationToken)
    {
        Live();
        var content = new Dictionary<uint, byte[]>();
        if (messages.Count == 0) return content;
        var uids = messages.Select(m => new UniqueId(examined.UidValidity, m.Uid)).ToList();
        var expected = messages.Sum(m => m.Size ?? _request.MaxMessageSize);
        var max = _request.MaxMessageSize;
        await RunAsync(Phase.Session, Scaled(expected), expected + messages.Count * PerMessageOverhead + ControlBudget, async t =>
        {
            await folder.Folder.GetStreamsAsync(uids, async (_, _, uid, stream, ct) =>
            {
                if (stream.Length > max)
                    throw new RemotePollException(PollErrorKind.MessageTooLarge,
                        $"{Where}: message UID {uid.Id} of '{folder.Name}' arrived with {stream.Length} bytes, over the {max}-byte limit")
                    { RemoteFolder = folder.Name };
                var data = new byte[stream.Length];
                await stream.ReadExactlyAsync(data, ct).ConfigureAwait(false);
                content[uid.Id] = data;
            }, t).ConfigureAwait(false);
        }, cancellationToken, folder.Name, fetchingContent: true).ConfigureAwait(false);
        return content;
    }

    /// <summary>Opens INBOX read-only (EXAMINE) for push: the server must offer IDLE (RFC 2177).</summary>
    /// <exception cref="RemotePollException">ProtocolError (no IDLE, no INBOX, EXAMINE refused), ConnectionLost.</exception>
    public async Task ExamineInboxAsync(CancellationToken cancellationToken)
    {
        var client = Live();
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
            throw new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: the server does not offer IDLE (RFC 2177): no push, the record is polled at Poll Every");
        var inbox = client.Inbox ?? throw new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: the server announced no INBOX");
        await RunAsync(Phase.Session, _request.CommandTimeout, ControlBudget,
            async t => await inbox.OpenAsync(FolderAccess.ReadOnly, t).ConfigureAwait(false), cancellationToken, "INBOX").ConfigureAwait(false);
    }

    /// <summary>Whether the server offers NOTIFY (RFC 5465): push can then watch every mirrored folder, not INBOX only.</summary>
    public bool OffersNotify => Live().Capabilities.HasFlag(ImapCapabilities.Notify);

    /// <summary>
    /// <c>NOTIFY SET (selected (MessageNew MessageExpunge)) (mailboxes f1 f2 … (MessageNew MessageExpunge))</c> for the
    /// examined INBOX and <paramref name="folders"/> (INBOX among them is left out: it is the selected one). RFC 5465 asks
    /// for MessageExpunge whenever MessageNew is asked. New mail in those folders then arrives as STATUS answers during
    /// <see cref="IdleAsync"/>. False when the server refused it (NO or BAD): the session stays usable, IDLE on INBOX only.
    /// </summary>
    /// <exception cref="RemotePollException">ConnectionLost, ProtocolError (the server does not offer NOTIFY).</exception>
    public async Task<bool> NotifyAsync(IReadOnlyList<RimapRemoteFolder> folders, CancellationToken cancellationToken)
    {
        var client = Live();
        var inbox = client.Inbox ?? throw new RemotePollException(PollErrorKind.ProtocolError, $"{Where}: the server announced no INBOX");
        var others = folders.Select(f => f.Folder).Where(f => !f.FullName.Equals(inbox.FullName, StringComparison.OrdinalIgnoreCase)).ToArray();
        ImapEvent[] events = [new ImapEvent.MessageNew(MessageSummaryItems.None), ImapEvent.MessageExpunge];
        var groups = new List<ImapEventGroup> { new(ImapMailboxFilter.Selected, events) };
        if (others.Length > 0) groups.Add(new ImapEventGroup(new ImapMailboxFilter.Mailboxes(others), events));
        try
        {
            await RunAsync(Phase.Session, _request.CommandTimeout, ControlBudget,
                t => client.NotifyAsync(false, groups, t), cancellationToken).ConfigureAwait(false);
        }
        catch (RemotePollException e) when (e.SessionUsable)
        {
            _notified = [];
            return false;
        }
        _notified = others;
        return true;
    }

    /// <summary>
    /// IDLE on the examined INBOX until the server announces new mail (EXISTS that grows INBOX, or with NOTIFY a STATUS
    /// whose UIDNEXT or MESSAGES grows a watched folder) or <paramref name="idleFor"/> has passed, then DONE. True when new
    /// mail was announced, during this IDLE or since the last one (then without idling). The silence tolerated is the IDLE time plus the command timeout; an answer beyond the control
    /// budget ends the session.
    /// </summary>
    /// <exception cref="RemotePollException">ConnectionLost (dropped, silent, BYE), ProtocolError.</exception>
    public async Task<bool> IdleAsync(TimeSpan idleFor, CancellationToken cancellationToken)
    {
        var client = Live();
        IMailFolder[] watched = [client.Inbox!, .. _notified];
        foreach (var f in watched) _announced.TryAdd(f, (f.Count, f.UidNext?.Id ?? 0));
        // Told between two IDLEs (the LIST of a re-issue answers a folder's STATUS too): announced without idling.
        if (Grew(watched)) return true;
        var arrived = false;
        using var done = new CancellationTokenSource(idleFor);
        void Changed(object? sender, EventArgs e)
        {
            if (Grew(watched)) { arrived = true; done.Cancel(); }
        }
        foreach (var f in watched) { f.CountChanged += Changed; f.UidNextChanged += Changed; }
        var timeout = client.Timeout;
        client.Timeout = ToMilliseconds(idleFor + _request.CommandTimeout);
        try
        {
            await RunAsync(Phase.Session, idleFor + _request.CommandTimeout, ControlBudget,
                async t => await client.IdleAsync(done.Token, t).ConfigureAwait(false), cancellationToken, "INBOX").ConfigureAwait(false);
        }
        finally
        {
            foreach (var f in watched) { f.CountChanged -= Changed; f.UidNextChanged -= Changed; }
            if (_client is not null) client.Timeout = timeout;
        }
        return arrived;
    }

    /// <summary>
    /// Whether a watched folder grew since last seen (MESSAGES or UIDNEXT above it), and remembers what it has now:
    /// EXPUNGE lowers a count and STATUS repeats an unchanged UIDNEXT, neither is new mail.
    /// </summary>
    private bool Grew(IMailFolder[] watched)
    {
        var grew = false;
        foreach (var f in watched)
        {
            var now = (f.Count, f.UidNext?.Id ?? 0);
            var last = _announced[f];
            grew |= now.Count > last.Count || now.Item2 > last.Item2;
            _announced[f] = now;
        }
        return grew;
    }

    /// <summary>Sends LOGOUT and closes. Nothing depends on its answer, so a failure is not reported.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        if (_client is not { IsConnected: true } client) return;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_request.CommandTimeout);
            _stream?.SetBudget(ControlBudget);
            await client.DisconnectAsync(true, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The mirror is complete and committed; a server that does not answer LOGOUT changes nothing.
        }
        finally
        {
            Close("the session has ended (LOGOUT)");
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    public ValueTask DisposeAsync()
    {
        Close("the session was disposed");
        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // With STARTTLS MailKit puts TLS above this stream, so budgets count TLS records too (see Budget).
        Func<Stream, CancellationToken, Task<Stream>>? secure = _request.Security == ConnectionSecurity.SslTls ? _link.HandshakeAsync : null;
        _stream = await _link.OpenAsync(secure, long.MaxValue, cancellationToken).ConfigureAwait(false);
        _client = new ImapClient(_transcript)
        {
            Timeout = ToMilliseconds(_request.CommandTimeout),
            ServerCertificateValidationCallback = _link.Trust.Validate,
            CheckCertificateRevocation = false,
        };
        var client = _client;
        var stream = _stream;
        var options = _request.Security == ConnectionSecurity.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        await RunAsync(Phase.Connect, _request.CommandTimeout * 2, ControlBudget,
            async t => await client.ConnectAsync(stream, _request.Host.Host, _request.Port, options, t).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task LoginAsync(CancellationToken cancellationToken)
    {
        var client = _client!;
        var credential = new NetworkCredential(_request.User, _request.Password);
        var offered = client.AuthenticationMechanisms;
        Func<CancellationToken, Task> login;
        if (_request.Bearer is { } bearer)
        {
            // An OAuth2 record signs in with its access token only: no password method is ever tried instead.
            LoginMethod = bearer.ChooseMechanism(offered) ?? throw new RemotePollException(PollErrorKind.ProtocolError,
                $"{Where}: the record signs in with OAuth2, but the server offers neither SASL XOAUTH2 nor OAUTHBEARER ({Offered(offered)}); " +
                "no password was tried");
            SaslMechanism mechanism = LoginMethod == "OAUTHBEARER"
                ? new SaslMechanismOAuthBearer(_request.User, bearer.AccessToken)
                : new SaslMechanismOAuth2(_request.User, bearer.AccessToken);
            login = t => client.AuthenticateAsync(mechanism, t);
        }
        else if (_request.AuthMethod == ImapAuthMethod.Encrypted)
        {
            // Spec, Authentication Method: Encrypted is CRAM-MD5. Without it the password is not sent at all.
            if (!offered.Contains("CRAM-MD5"))
                throw new RemotePollException(PollErrorKind.ProtocolError,
                    $"{Where}: Authentication Method Encrypted needs CRAM-MD5, which the server does not offer ({Offered(offered)}); " +
                    "the password was not sent in clear text");
            LoginMethod = "CRAM-MD5";
            login = t => client.AuthenticateAsync(new SaslMechanismCramMd5(credential), t);
        }
        else if (offered.Contains("PLAIN"))
        {
            LoginMethod = "PLAIN";
            login = t => client.AuthenticateAsync(new SaslMechanismPlain(credential), t);
        }
        else if (client.Capabilities.HasFlag(ImapCapabilities.LoginDisabled))
        {
            throw new RemotePollException(PollErrorKind.ProtocolError,
                $"{Where}: the server refuses a clear-text password on this connection (LOGINDISABLED, no AUTH=PLAIN); " +
                "use Connection Security STARTTLS or SSL/TLS, or Authentication Method Encrypted");
        }
        else
        {
            LoginMethod = "LOGIN";
            // Only the LOGIN command: MailKit would otherwise try each SASL mechanism the server offers first.
            login = t => client.AuthenticateAsync(Encoding.UTF8, new SingleMethodCredentials(SingleMethodCredentials.UserPass, credential), t);
        }
        await RunAsync(Phase.Login, _request.CommandTimeout * 2, ControlBudget, login, cancellationToken).ConfigureAwait(false);
    }

    private static string Offered(HashSet<string> mechanisms) =>
        mechanisms.Count == 0 ? "it offers no SASL mechanism" : "it offers " + string.Join(' ', mechanisms.Order(StringComparer.Ordinal));

    private Task RunAsync(Phase phase, TimeSpan limit, long budget, Func<CancellationToken, Task> operation,
        CancellationToken cancellationToken, string? folder = null, bool fetchingContent = false) =>
        RunAsync(phase, limit, budget, async t => { await operation(t).ConfigureAwait(false); return true; },
            cancellationToken, folder, fetchingContent);

    private async Task<T> RunAsync<T>(Phase phase, TimeSpan limit, long budget, Func<CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken, string? folder = null, bool fetchingContent = false)
    {
        _stream?.SetBudget(Budget(budget));
        try
        {
            return await CommandDeadline.RunAsync(limit, operation,
                (e, timedOut) => Classify(e, phase, timedOut, limit, folder, fetchingContent), Close, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _stream?.SetBudget(null);
        }
    }

    // TLS records add a few bytes per 16 KB; with STARTTLS they pass through the bounded stream.
    private static long Budget(long bytes) => bytes + bytes / 10 + 64 * 1024;

    private RemotePollException Classify(Exception e, Phase phase, bool timedOut, TimeSpan limit, string? folder, bool fetchingContent)
    {
        if (e is RemotePollException known) return known;
        var chain = Chain(e).ToList();
        var beforeLogin = phase is Phase.Connect or Phase.Login;
        var transport = beforeLogin ? PollErrorKind.ConnectionFailed : PollErrorKind.ConnectionLost;
        var at = folder is null ? Where : $"{Where} '{folder}'";

        if (chain.OfType<RemotePollException>().FirstOrDefault() is { } inner) return inner;
        if (chain.OfType<StreamBoundExceededException>().FirstOrDefault() is { } bound)
            return new RemotePollException(fetchingContent ? PollErrorKind.MessageTooLarge : PollErrorKind.ProtocolError,
                $"{at}: {bound.Message}", e) { RemoteFolder = folder };
        if (phase == Phase.Connect && (e is SslHandshakeException || chain.Any(x => x is System.Security.Authentication.AuthenticationException)))
            return new RemotePollException(PollErrorKind.TlsFailed,
                $"{Where}: TLS failed: {_link.Trust.LastFailure ?? Chain(e).Last().Message}", e);
        if (timedOut || chain.Any(x => x is TimeoutException))
            return new RemotePollException(transport,
                $"{at}: no answer within {(timedOut ? limit : _request.CommandTimeout)} ({Describe(phase)})", e) { RemoteFolder = folder };
        if (phase == Phase.Connect && _request.Security == ConnectionSecurity.StartTls)
        {
            if (e is NotSupportedException)
                return new RemotePollException(PollErrorKind.TlsFailed,
                    $"{Where}: the server does not offer STARTTLS, which Connection Security STARTTLS requires", e);
            if (e is ImapCommandException refused)
                return new RemotePollException(PollErrorKind.TlsFailed,
                    $"{Where}: the server refused STARTTLS: {Truncate(refused.ResponseText ?? refused.Message)}", e)
                { ServerResponse = refused.ResponseText };
        }
        if (e is MailKit.Security.AuthenticationException)
        {
            var answer = _transcript.Redact(e.Message);
            var kind = answer.Contains("[INUSE]", StringComparison.OrdinalIgnoreCase) ? PollErrorKind.MailboxLocked : PollErrorKind.AuthenticationFailed;
            return new RemotePollException(kind, $"{Where}: {LoginMethod} login as '{_request.User}' failed: {Truncate(answer)}", e)
            {
                ServerResponse = answer,
            };
        }
        if (_stream is { EndOfStreamSeen: true } or { FailureSeen: true }
            || chain.Any(x => x is IOException or SocketException or ServiceNotConnectedException or ObjectDisposedException))
            return new RemotePollException(transport, $"{at}: the connection was lost ({Describe(phase)})", e) { RemoteFolder = folder };
        if (e is ImapCommandException command)
        {
            var answer = _transcript.Redact(command.ResponseText ?? command.Message);
            return new RemotePollException(PollErrorKind.ProtocolError, $"{at}: the server refused ({Describe(phase)}): {Truncate(answer)}", e)
            {
                ServerResponse = answer,
                RemoteFolder = folder,
                SessionUsable = _client is { IsConnected: true },
            };
        }
        if (e is FolderNotFoundException)
            return new RemotePollException(PollErrorKind.ProtocolError, $"{at}: the folder does not exist", e)
            {
                RemoteFolder = folder,
                SessionUsable = _client is { IsConnected: true },
            };
        if (phase == Phase.Connect && _transcript.Greeting is { } greeting && greeting.StartsWith("* BYE", StringComparison.OrdinalIgnoreCase))
            return new RemotePollException(PollErrorKind.ConnectionFailed, $"{Where}: the server refused the session: {Truncate(greeting)}", e)
            {
                ServerResponse = greeting,
            };
        if (e is ImapProtocolException or FormatException or NotSupportedException)
            return new RemotePollException(PollErrorKind.ProtocolError,
                $"{at}: not IMAP ({Describe(phase)}): {Truncate(_transcript.Redact(e.Message))}", e) { RemoteFolder = folder };
        return new RemotePollException(PollErrorKind.Internal, $"{at}: {e.GetType().Name}: {Truncate(_transcript.Redact(e.Message))}", e)
        {
            RemoteFolder = folder,
        };
    }

    private static string Describe(Phase phase) => phase switch
    {
        Phase.Connect => "connecting",
        Phase.Login => "logging in",
        Phase.Logout => "LOGOUT",
        _ => "mirroring",
    };

    private TimeSpan Scaled(long bytes) => _request.CommandTimeout + TimeSpan.FromSeconds((double)bytes / MinimumBytesPerSecond);

    private static int ToMilliseconds(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);

    private ImapClient Live() =>
        _client is { IsConnected: true } c
            ? c
            : throw new RemotePollException(PollErrorKind.ConnectionLost, $"{Where}: {_closedReason ?? "the session is not connected"}");

    private void Close(string reason)
    {
        _closedReason ??= reason;
        var client = _client;
        _client = null;
        client?.Dispose();
        _stream?.Dispose();
        _stream = null;
    }
}
