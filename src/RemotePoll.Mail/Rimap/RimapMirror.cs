using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// One RIMAP poll: mirrors the remote folders that match the record's Filter under the local folder named after
/// the record (spec, RIMAP "Name", "Filter"). Remote <c>A/B</c> becomes local <c>RECORD/A/B</c>.
/// <para>Incremental: per folder, only UIDs above the saved <see cref="RimapFolderState.HighestUid"/> are
/// fetched, in batches (one <c>UID FETCH</c> per batch, BODY.PEEK), each appended to the local folder with one
/// durability barrier and then reported through <c>commit</c>; the mirror waits for the caller to persist it
/// before going on. The remote account is only read (EXAMINE): no flag, no message changes there.</para>
/// <para>A folder is refilled from UID 1 when its UIDVALIDITY changed, when it has no saved state, or when the
/// local folder or the local root folder is missing (spec: "you can delete the local folder; the folder will be
/// recreated and its contents will be filled on next polling"). Refilling first removes the mirror's own copies from
/// the local folder (<see cref="IMailboxStore.RemoveMirrorCopiesAsync"/>: each copy carries <see cref="MirrorStamp"/> as
/// its first header field) and saves <c>HighestUid = 0</c> with the new UIDVALIDITY, so that nothing is left twice and
/// a crash mid-refill resumes it; any other mail in the folder stays. The window that remains is the usual one: a
/// crash after a batch is stored but before its commit is persisted leaves that batch twice (at least once).</para>
/// <para>A record's first poll (no saved state at all) refuses to mirror into a local tree that already holds mail the
/// mirror did not copy (a record named after an existing folder): nothing is changed and the reason is reported.</para>
/// <para>Folders the server no longer lists keep their local copy and are reported in
/// <see cref="RimapMirrorResult.GoneFolders"/>.</para>
/// </summary>
public static class RimapMirror
{
    /// <summary>Polls the remote account once.</summary>
    /// <param name="known">The saved state of each remote folder, by remote name.</param>
    /// <param name="commit">Persists a folder's new state; awaited before the mirror goes on.</param>
    /// <param name="log">Receives the protocol exchange, redacted; null for none.</param>
    /// <returns>What was copied, per folder. A folder the server refused to open is reported with an error; the rest go on.</returns>
    /// <exception cref="RemotePollException">
    /// ConnectionFailed, TlsFailed, AuthenticationFailed, MailboxLocked, ProtocolError, ConnectionLost,
    /// MessageTooLarge (the server kept sending more than it announced, beyond the reconnections one poll allows; a
    /// single such message is otherwise skipped and reported in its folder's Error), LocalDeliveryFailed (the local
    /// store refused or could not be reached), Refused (the record name cannot be a local folder, or a first poll
    /// found the local folder holding mail RemotePoll did not copy). Everything committed until then stays committed.
    /// </exception>
    /// <exception cref="ArgumentException">The request is not usable (record name, bounds).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<RimapMirrorResult> RunAsync(
        RimapMirrorRequest request,
        IMailboxStore store,
        IReadOnlyDictionary<string, RimapFolderState> known,
        Func<RimapFolderProgress, CancellationToken, Task> commit,
        IProtocolLog? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(commit);
        Check(request);

        await using var session = await RimapSession.OpenAsync(request, log, cancellationToken).ConfigureAwait(false);
        if (request.SyncFlags) await session.EnableQuickResyncAsync(cancellationToken).ConfigureAwait(false);
        var remote = await session.ListFoldersAsync(ImapListPattern.Of(request.ListFilter), cancellationToken).ConfigureAwait(false);

        var root = MailboxPath.FromSegments([request.RecordName]);
        var local = new HashSet<MailboxPath>(await LocalAsync(request, root,
            () => store.ListFoldersAsync(request.Account, cancellationToken)).ConfigureAwait(false));
        var rootMissing = !local.Contains(root);
        if (!rootMissing && known.Count == 0)
            await RefuseForeignTreeAsync(request, store, root, local, cancellationToken).ConfigureAwait(false);
        if (rootMissing)
        {
            try
            {
                await LocalAsync(request, root, () => store.EnsureFolderAsync(request.Account, root, cancellationToken)).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                throw new RemotePollException(PollErrorKind.Refused,
                    $"the record name '{request.RecordName}' cannot be a folder of {request.Account}'s local store: {e.Message}", e);
            }
            local.Add(root);
        }

        await using var run = new FolderRun(request, store, session, log, known, commit, local, root, rootRecreated: rootMissing && known.Count > 0);
        var (mirrored, skipped) = Cap(remote, known, root, request.MaxFolders);
        var results = new List<RimapFolderResult>(mirrored.Count);
        foreach (var folder in mirrored)
            results.Add(await run.MirrorAsync(folder, cancellationToken).ConfigureAwait(false));

        var listed = remote.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var gone = known.Keys.Where(k => !listed.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        await run.Session.LogoutAsync(cancellationToken).ConfigureAwait(false);
        return new RimapMirrorResult(results, gone, run.Session.RemoteEndPoint) { SkippedFolders = skipped };
    }

    /// <summary>
    /// The remote folders to mirror so that the local tree holds at most <paramref name="maxFolders"/> folders below the
    /// root (a remote folder counts with every level above it not yet counted): folders already mirrored first (their
    /// copies stay current), then INBOX, then the rest in name order. The rest are skipped, in name order.
    /// </summary>
    private static (IReadOnlyList<RimapRemoteFolder> Mirrored, IReadOnlyList<string> Skipped) Cap(IReadOnlyList<RimapRemoteFolder> remote,
        IReadOnlyDictionary<string, RimapFolderState> known, MailboxPath root, int maxFolders)
    {
        var levels = new HashSet<MailboxPath>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var byPriority = remote
            .OrderBy(f => known.ContainsKey(f.Name) ? 0 : f.Name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? 1 : 2)
            .ThenBy(f => f.Name, StringComparer.Ordinal);
        foreach (var folder in byPriority)
        {
            var path = RimapFolderNames.Natural(root, folder.Name, folder.Delimiter) ?? RimapFolderNames.Mapped(root, folder.Name, folder.Delimiter);
            var added = path.SelfAndAncestors().Where(p => p.Segments.Count > root.Segments.Count && !levels.Contains(p)).ToArray();
            if (levels.Count + added.Length > maxFolders)
            {
                skipped.Add(folder.Name);
                continue;
            }
            levels.UnionWith(added);
            chosen.Add(folder.Name);
        }
        return (remote.Where(f => chosen.Contains(f.Name)).ToArray(), skipped.Order(StringComparer.Ordinal).ToArray());
    }

    private static void Check(RimapMirrorRequest request)
    {
        if (RecordName.Check(request.RecordName) is { } why)
            throw new ArgumentException($"record name '{request.RecordName}' {why}", nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Account, nameof(request.Account));
        ArgumentException.ThrowIfNullOrEmpty(request.User, nameof(request.User));
        ArgumentNullException.ThrowIfNull(request.Password, nameof(request.Password));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.ConnectTimeout, TimeSpan.Zero, nameof(request.ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.CommandTimeout, TimeSpan.Zero, nameof(request.CommandTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.MaxMessageSize, 0, nameof(request.MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.BatchSize, 0, nameof(request.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.MaxFolders, 0, nameof(request.MaxFolders));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.BatchBytes, 0, nameof(request.BatchBytes));
    }

    /// <summary>
    /// A record without any saved state whose local root folder already exists: the tree must hold nothing but the
    /// mirror's own copies (left by an earlier record of that name), else the record would mix its copies with the
    /// user's mail and its refills would have to tell them apart forever. Refused, nothing changed.
    /// </summary>
    private static async Task RefuseForeignTreeAsync(RimapMirrorRequest request, IMailboxStore store, MailboxPath root,
        IEnumerable<MailboxPath> local, CancellationToken cancellationToken)
    {
        var foreign = new List<(MailboxPath Folder, int Others)>();
        foreach (var folder in local.Where(f => IsInTree(root, f)).OrderBy(f => f.ToString(), StringComparer.Ordinal))
        {
            var count = await LocalAsync(request, folder, () => store.CountMirrorCopiesAsync(request.Account, folder, cancellationToken)).ConfigureAwait(false);
            if (count.Others > 0) foreign.Add((folder, count.Others));
        }
        if (foreign.Count == 0) return;
        throw new RemotePollException(PollErrorKind.Refused,
            $"the local folder '{root}' of {request.Account} already exists and holds {CountText.Of(foreign.Sum(f => f.Others), "message")} RemotePoll did not copy " +
            $"(in {string.Join(", ", foreign.Take(3).Select(f => $"'{f.Folder}'"))}{(foreign.Count > 3 ? ", …" : "")}): a RIMAP record mirrors into " +
            "a folder of its own; rename the record or move that folder, nothing was changed");
    }

    private static bool IsInTree(MailboxPath root, MailboxPath folder) =>
        folder.Segments.Count >= root.Segments.Count && folder.Segments.Take(root.Segments.Count).SequenceEqual(root.Segments, StringComparer.Ordinal);

    /// <summary>Runs a call on the local store; its failures become LocalDeliveryFailed.</summary>
    private static async Task<T> LocalAsync<T>(RimapMirrorRequest request, MailboxPath folder, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DeliveryUnavailableException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new RemotePollException(PollErrorKind.LocalDeliveryFailed,
                $"local folder '{folder}' of {request.Account}: {e.Message}", e);
        }
    }

    /// <summary>The work on each folder of one poll, with what the poll has learnt so far.</summary>
    private sealed class FolderRun(
        RimapMirrorRequest request,
        IMailboxStore store,
        RimapSession session,
        IProtocolLog? log,
        IReadOnlyDictionary<string, RimapFolderState> known,
        Func<RimapFolderProgress, CancellationToken, Task> commit,
        HashSet<MailboxPath> local,
        MailboxPath root,
        bool rootRecreated) : IAsyncDisposable
    {
        // A server that keeps sending more than it announced costs a new session each time; this many per poll at most.
        private const int MaxReopens = 20;

        // Which remote folder each local folder mirrors in this poll, so that two never share one.
        private readonly Dictionary<MailboxPath, string> _claimed = [];
        private int _reopens;
        // After a reopen, the folders as the new session listed them: the first listing's belong to the closed session.
        private Dictionary<string, RimapRemoteFolder>? _relisted;

        /// <summary>The session in use: the first one, or the one opened after a fetch that had to be cut off.</summary>
        public RimapSession Session { get; private set; } = session;

        public ValueTask DisposeAsync() => Session.DisposeAsync();

        public async Task<RimapFolderResult> MirrorAsync(RimapRemoteFolder folder, CancellationToken cancellationToken)
        {
            var notes = new List<string>();
            if (_relisted is not null)
            {
                if (!_relisted.TryGetValue(folder.Name, out var again))
                    return new RimapFolderResult(folder.Name, null, 0, 0, 0, notes, "no longer listed by the server after reconnecting");
                folder = again;
            }
            var (path, refusal) = await ResolveLocalAsync(folder, notes, cancellationToken).ConfigureAwait(false);
            if (path is null) return new RimapFolderResult(folder.Name, null, 0, 0, 0, notes, refusal);
            var exists = local.Contains(path);
            known.TryGetValue(folder.Name, out var state);

            // LIST-STATUS already says nothing is new: no EXAMINE (with Sync Flags, flags may have changed all the same).
            if (!request.SyncFlags && state is not null && exists && !rootRecreated && folder.UidValidity == state.UidValidity
                && folder.UidNext is { } listedNext && listedNext - 1 <= state.HighestUid)
                return new RimapFolderResult(folder.Name, path, 0, 0, 0, notes);

            try
            {
                return await CopyAsync(folder, path, exists, state, notes, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotePollException e) when (e.SessionUsable)
            {
                // The server refused this folder (gone since LIST, no rights…); the others go on.
                return new RimapFolderResult(folder.Name, path, 0, 0, 0, notes, e.Message);
            }
        }

        private async Task<RimapFolderResult> CopyAsync(RimapRemoteFolder folder, MailboxPath path, bool exists,
            RimapFolderState? state, List<string> notes, CancellationToken cancellationToken)
        {
            var examined = await Session.ExamineAsync(folder, cancellationToken, request.SyncFlags ? state : null).ConfigureAwait(false);
            var validity = examined.UidValidity;
            var restart = state is null ? null
                : rootRecreated ? "the local root folder was missing: recreated and refilled"
                : !exists ? "the local folder was missing: recreated and refilled"
                : state.UidValidity != validity ? $"UIDVALIDITY changed ({state.UidValidity} to {validity}): recopied"
                : null;
            var fresh = state is null || state.HighestUid == 0 || restart is not null;
            var saved = state;
            if (fresh && exists && (restart is not null || examined.Count > 0))
            {
                // The mirror's copies there were never committed as copied (or belong to an older UIDVALIDITY); mail it
                // did not copy (the user's, another record's) is not its to remove.
                var swept = await LocalAsync(request, path, () => store.RemoveMirrorCopiesAsync(request.Account, path, cancellationToken)).ConfigureAwait(false);
                if (swept.MirrorCopies > 0 && restart is null) notes.Add($"no saved state: {swept.MirrorCopies} local copies replaced");
                if (swept.Others > 0) notes.Add($"{swept.Others} local messages RemotePoll did not copy left in place");
            }
            if (restart is not null)
            {
                notes.Add(restart);
                saved = new RimapFolderState(folder.Name, validity, 0);
                await commit(new RimapFolderProgress(saved, path, 0, 0), cancellationToken).ConfigureAwait(false);
            }

            // Sync Flags: how far the local copies follow the remote flags; the copies made below carry flags read after EXAMINE.
            var modSeq = request.SyncFlags ? examined.HighestModSeq : 0;
            if (request.SyncFlags && !fresh && !await SyncFlagsAsync(folder, path, examined, state!, notes, cancellationToken).ConfigureAwait(false))
                modSeq = 0;

            var after = fresh ? 0u : state!.HighestUid;
            var pending = await Session.ListNewAsync(folder, examined, after, cancellationToken).ConfigureAwait(false);
            var highest = after;
            var (copied, bytes, tooLarge, refused, vanished, oversent) = (0, 0L, 0, 0, 0, 0);
            // UIDs fetched one per UID FETCH, after a batch holding them was cut off for sending more than announced.
            var alone = new HashSet<uint>();
            string? oversentError = null;
            while (true)
            {
                var rest = pending.Where(m => m.Uid > highest).ToArray();
                var batches = Batches(rest, alone).ToArray();
                IReadOnlyList<RimapRemoteMessage>? current = null;
                // Pipelined: the next batch is fetched (the remote side is only read) while this one is stored, crosses its
                // durability barrier and is committed; nothing is committed before its own batch is durable.
                using var ahead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Task<IReadOnlyDictionary<uint, byte[]>>? fetchAhead = null;
                try
                {
                    for (var index = 0; index < batches.Length; index++)
                    {
                        var batch = current = batches[index];
                        var wanted = Wanted(batch);
                        var content = await (fetchAhead ?? Session.FetchAsync(folder, examined, wanted, ahead.Token)).ConfigureAwait(false);
                        fetchAhead = index + 1 < batches.Length ? Session.FetchAsync(folder, examined, Wanted(batches[index + 1]), ahead.Token) : null;
                        tooLarge += batch.Count - wanted.Length;
                        var stored = wanted.Where(m => content.ContainsKey(m.Uid)).ToArray();
                        vanished += wanted.Length - stored.Length;
                        var outcomes = stored.Length == 0 ? [] : await LocalAsync(request, path, () => store.AppendBatchAsync(request.Account, path,
                            stored.Select(m => new MessageToStore(MirrorStamp.Stamp(content[m.Uid], validity, m.Uid), m.Flags, m.InternalDate, m.Keywords)).ToArray(),
                            cancellationToken)).ConfigureAwait(false);
                        if (outcomes.Count != stored.Length)
                            throw new RemotePollException(PollErrorKind.LocalDeliveryFailed,
                                $"local folder '{path}' of {request.Account}: the store answered {outcomes.Count} outcomes for {stored.Length} messages")
                            { RemoteFolder = folder.Name };
                        var outcomeOf = stored.Select((m, i) => (m.Uid, Outcome: outcomes[i])).ToDictionary(x => x.Uid, x => x.Outcome);

                        // Walk the batch in UID order: a UID is done when stored, or passed over for good; the first
                        // temporary failure stops the walk, and the folder resumes there next poll.
                        var (n, b) = (0, 0L);
                        DeliveryOutcome? failure = null;
                        foreach (var m in batch)
                        {
                            if (outcomeOf.TryGetValue(m.Uid, out var outcome))
                            {
                                if (outcome.Status == DeliveryStatus.TemporaryFailure) { failure = outcome; break; }
                                if (outcome.IsDelivered) { n++; b += content[m.Uid].Length; }
                                else
                                {
                                    refused++;
                                    notes.Add($"UID {m.Uid} refused by the local store: {outcome.Reason}");
                                }
                            }
                            highest = m.Uid;
                        }
                        copied += n;
                        bytes += b;
                        if (saved is null || saved.UidValidity != validity || saved.HighestUid != highest || saved.HighestModSeq != modSeq)
                        {
                            saved = new RimapFolderState(folder.Name, validity, highest, modSeq);
                            await commit(new RimapFolderProgress(saved, path, n, b), cancellationToken).ConfigureAwait(false);
                        }
                        if (failure is not null)
                            throw new RemotePollException(PollErrorKind.LocalDeliveryFailed,
                                $"local folder '{path}' of {request.Account}: {failure.Reason}") { RemoteFolder = folder.Name };
                    }
                    break;
                }
                catch (RemotePollException e) when (e.Kind == PollErrorKind.MessageTooLarge && current is not null && _reopens < MaxReopens)
                {
                    // The server sent more than it announced (or more than the size limit) and the fetch was cut off, which
                    // ends the session. Alone, that message is the culprit: skipped and left on the server, noted in Error, so
                    // that it never blocks the folder. In a batch, each of the batch's messages is fetched alone next.
                    var unfinished = current.Where(m => m.Uid > highest).ToArray();
                    if (unfinished.Length == 1)
                    {
                        var bad = unfinished[0];
                        oversent++;
                        oversentError ??= $"UID {bad.Uid} skipped and left on the server: {e.Message}";
                        notes.Add($"UID {bad.Uid} skipped and left on the server: {e.Message}");
                        highest = bad.Uid;
                        saved = new RimapFolderState(folder.Name, validity, highest, modSeq);
                        await commit(new RimapFolderProgress(saved, path, 0, 0), cancellationToken).ConfigureAwait(false);
                    }
                    else alone.UnionWith(unfinished.Select(m => m.Uid));
                    (folder, examined) = await ReopenAsync(folder, validity, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Stopped early (a local failure, cancellation, a cut-off fetch): the fetch ahead is abandoned, its outcome ignored.
                    if (fetchAhead is not null)
                    {
                        await ahead.CancelAsync().ConfigureAwait(false);
                        try { await fetchAhead.ConfigureAwait(false); }
                        catch (Exception e) when (e is RemotePollException or OperationCanceledException) { }
                    }
                }
            }

            // Every UID below UIDNEXT has been seen (or expunged): later polls start there.
            if (examined.UidNext is { } next && next > 0 && next - 1 > highest) highest = next - 1;
            if (saved is null || saved.UidValidity != validity || saved.HighestUid != highest || saved.HighestModSeq != modSeq)
            {
                saved = new RimapFolderState(folder.Name, validity, highest, modSeq);
                await commit(new RimapFolderProgress(saved, path, 0, 0), cancellationToken).ConfigureAwait(false);
            }
            if (tooLarge > 0) notes.Add($"{CountText.Of(tooLarge, "message")} over the {request.MaxMessageSize}-byte limit skipped");
            if (vanished > 0) notes.Add($"{CountText.Of(vanished, "message")} {(vanished == 1 ? "was" : "were")} expunged before {(vanished == 1 ? "it" : "they")} could be fetched");
            return new RimapFolderResult(folder.Name, path, copied, bytes, tooLarge + refused + vanished + oversent, notes,
                oversent == 0 ? null : oversent == 1 ? oversentError : $"{oversent} messages skipped and left on the server; first: {oversentError}");
        }

        /// <summary>
        /// Sync Flags on a folder mirrored before in the same UIDVALIDITY: the local copies get the remote flags, and those
        /// whose UID the server said gone are removed (only on the server's word: an error leaves every copy as it was).
        /// False when the local store cannot change its copies (noted): the HIGHESTMODSEQ is then not kept, so nothing is skipped later.
        /// </summary>
        private async Task<bool> SyncFlagsAsync(RimapRemoteFolder folder, MailboxPath path, RimapExamined examined, RimapFolderState state,
            List<string> notes, CancellationToken cancellationToken)
        {
            var (changes, how) = await Session.ChangesAsync(folder, examined, state, cancellationToken).ConfigureAwait(false);
            MirrorSyncResult synced;
            try
            {
                synced = await LocalAsync(request, path, () => store.ApplyMirrorChangesAsync(request.Account, path, changes, cancellationToken)).ConfigureAwait(false);
            }
            catch (RemotePollException e) when (e.InnerException is NotSupportedException)
            {
                notes.Add($"flags not synced: {e.InnerException.Message}");
                return false;
            }
            if (synced.FlagsChanged > 0 || synced.Removed > 0)
                notes.Add($"flags synced ({how}): {synced.FlagsChanged} local {(synced.FlagsChanged == 1 ? "copy" : "copies")} changed, {synced.Removed} removed (expunged remotely)");
            return true;
        }

        /// <summary>
        /// A new session after a cut-off fetch, with the folder listed and examined again there.
        /// </summary>
        /// <exception cref="RemotePollException">
        /// The reconnection failed; the folder is gone; its UIDVALIDITY changed meanwhile (ProtocolError, session usable: the
        /// other folders go on and this one is refilled next poll).
        /// </exception>
        private async Task<(RimapRemoteFolder Folder, RimapExamined Examined)> ReopenAsync(RimapRemoteFolder folder, uint validity,
            CancellationToken cancellationToken)
        {
            _reopens++;
            await Session.DisposeAsync().ConfigureAwait(false);
            Session = await RimapSession.OpenAsync(request, log, cancellationToken).ConfigureAwait(false);
            if (request.SyncFlags) await Session.EnableQuickResyncAsync(cancellationToken).ConfigureAwait(false);
            _relisted = (await Session.ListFoldersAsync(ImapListPattern.Of(request.ListFilter), cancellationToken).ConfigureAwait(false))
                .ToDictionary(f => f.Name, StringComparer.Ordinal);
            var again = _relisted.GetValueOrDefault(folder.Name)
                ?? throw new RemotePollException(PollErrorKind.ProtocolError, $"{Session.Where}: '{folder.Name}' is no longer listed")
                { RemoteFolder = folder.Name, SessionUsable = true };
            var examined = await Session.ExamineAsync(again, cancellationToken).ConfigureAwait(false);
            if (examined.UidValidity != validity)
                throw new RemotePollException(PollErrorKind.ProtocolError,
                    $"{Session.Where}: the UIDVALIDITY of '{folder.Name}' changed during the poll ({validity} to {examined.UidValidity})")
                { RemoteFolder = folder.Name, SessionUsable = true };
            return (again, examined);
        }

        private RimapRemoteMessage[] Wanted(IReadOnlyList<RimapRemoteMessage> batch) =>
            batch.Where(m => (m.Size ?? 0) <= request.MaxMessageSize).ToArray();

        /// <summary>
        /// Consecutive runs of at most BatchSize messages and BatchBytes bytes (a larger message alone). A message whose
        /// size the server did not say counts as the size limit, which is what its fetch may read: what a batch buffers is
        /// bounded by bytes, whatever the server claims. Messages in <paramref name="alone"/> make batches of their own.
        /// </summary>
        private IEnumerable<IReadOnlyList<RimapRemoteMessage>> Batches(IReadOnlyList<RimapRemoteMessage> messages, IReadOnlySet<uint> alone)
        {
            var batch = new List<RimapRemoteMessage>();
            long size = 0;
            foreach (var m in messages)
            {
                // Messages listed over the limit are not fetched: they cost nothing in a batch.
                var s = m.Size is { } known ? (known <= request.MaxMessageSize ? known : 0) : request.MaxMessageSize;
                if (batch.Count > 0 && (batch.Count >= request.BatchSize || size + s > request.BatchBytes || alone.Contains(m.Uid)
                    || alone.Contains(batch[^1].Uid)))
                {
                    yield return batch;
                    batch = [];
                    size = 0;
                }
                batch.Add(m);
                size += s;
            }
            if (batch.Count > 0) yield return batch;
        }

        /// <summary>
        /// The local folder for a remote one, created if missing: as named remotely when the store can hold it,
        /// else mapped (<see cref="RimapFolderNames"/>) and noted; null and the reason when neither can be held.
        /// </summary>
        private async Task<(MailboxPath? Path, string? Refusal)> ResolveLocalAsync(RimapRemoteFolder folder, List<string> notes,
            CancellationToken cancellationToken)
        {
            var natural = RimapFolderNames.Natural(root, folder.Name, folder.Delimiter);
            string? why = null;
            if (natural is not null)
            {
                why = await TryHoldAsync(natural, cancellationToken).ConfigureAwait(false);
                if (why is null) return Claim(natural, folder, notes);
            }
            var mapped = RimapFolderNames.Mapped(root, folder.Name, folder.Delimiter);
            var mappedWhy = await TryHoldAsync(mapped, cancellationToken).ConfigureAwait(false);
            if (mappedWhy is not null)
                return (null, $"cannot be stored locally: {why ?? mappedWhy}");
            notes.Add($"name mapped: the local store cannot hold it as named, stored as '{mapped}'");
            return Claim(mapped, folder, notes);
        }

        private (MailboxPath? Path, string? Refusal) Claim(MailboxPath path, RimapRemoteFolder folder, List<string> notes)
        {
            if (_claimed.TryGetValue(path, out var other))
                return (null, $"would be stored in '{path}', which already mirrors '{other}'");
            _claimed[path] = folder.Name;
            return (path, null);
        }

        /// <summary>Null when the folder exists or has been created; else why the store cannot hold it.</summary>
        private async Task<string?> TryHoldAsync(MailboxPath path, CancellationToken cancellationToken)
        {
            if (local.Contains(path)) return null;
            try
            {
                // A folder missing here is created now; `local` keeps saying it was missing for this poll.
                await LocalAsync(request, path, () => store.EnsureFolderAsync(request.Account, path, cancellationToken)).ConfigureAwait(false);
                return null;
            }
            catch (ArgumentException e)
            {
                return e.Message;
            }
        }
    }
}
