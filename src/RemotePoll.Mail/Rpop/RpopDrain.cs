using System.Security.Cryptography;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// One RPOP poll over an open session, by the rule that loses nothing: fetch a batch (pipelined), deliver it and
/// wait for the local side's acknowledgement, commit the batch's UIDs to the ledger (one journal write), and only
/// then DELE the batch (unless Leave). A UID already in the ledger is never fetched again; when a connection was
/// lost before QUIT (so the server kept messages already delivered), they are recognised and only deleted.
/// <para>Exactly once across a crash (with <c>markInFlight</c>): before a batch is delivered its UIDs are journalled as
/// in flight, each with a delivery id stamped into the delivered copy (<see cref="DeliveryStamp"/>). A poll that finds
/// UIDs still in flight (the node died between the delivery and the commit) asks the destination whether their ids
/// arrived: those that did are recorded without delivering them again; when the destination cannot tell, they are
/// delivered again (at least once) and counted in <see cref="RpopDrainResult.Unverified"/>.</para>
/// <para>A UID is recorded with the message's LIST size. A server may reuse a UIDL once its message is gone, so a
/// recorded UID listed with another size names a new message: it is retrieved and delivered, never deleted unread.</para>
/// </summary>
public static class RpopDrain
{
    public const int DefaultBatchSize = 200;
    public const long DefaultBatchBytes = 32L * 1024 * 1024;
    /// <summary>The pseudo-UID prefix of a server without UIDL: the SHA-256 of the message.</summary>
    public const string ContentUidPrefix = "sha256:";

    /// <summary>How many times one poll opens a new session after a malformed message broke one.</summary>
    public const int MaxReopens = 4;

    /// <param name="commit">Persists a ledger change; the drain waits for it before deleting anything.</param>
    /// <param name="markInFlight">Persists deliveries as started; the drain waits for it before delivering. Null: no marks, no stamps.</param>
    /// <param name="progress">Told after each batch's commit: the messages delivered so far and their bytes.</param>
    /// <param name="reopen">
    /// Opens a new session to the same maildrop. A malformed message (an unstuffed "." line, a bare LF "." in its data)
    /// ends its answer early and leaves the rest of it where the next answer should be: the session cannot go on. With
    /// <paramref name="reopen"/>, the batch is retried one message at a time in a new session (no QUIT was sent, so the
    /// maildrop is as it was), the good messages are delivered, and the one that breaks the session alone is left on
    /// the server, named in the result's problem. Null: such a batch fails the poll (ProtocolError).
    /// </param>
    /// <exception cref="RemotePollException">The remote side failed (ProtocolError: Leave without UIDL); nothing unacknowledged was deleted.</exception>
    public static async Task<RpopDrainResult> RunAsync(Pop3Session session, UidLedger ledger, IMessageDestination destination,
        bool leave, long maxMessageSize, Func<LedgerChange, CancellationToken, Task> commit, CancellationToken cancellationToken,
        int batchSize = DefaultBatchSize, long batchBytes = DefaultBatchBytes,
        Func<IReadOnlyList<InFlightDelivery>, CancellationToken, Task>? markInFlight = null,
        Func<CancellationToken, Task<Pop3Session>>? reopen = null, Action<int, long>? progress = null)
    {
        var retry = new MalformedRetry();
        var current = session;
        try
        {
            while (true)
            {
                try
                {
                    var result = await DrainAsync(current, ledger, destination, leave, maxMessageSize, commit, cancellationToken, batchSize,
                        batchBytes, markInFlight, retry, progress).ConfigureAwait(false);
                    return result with
                    {
                        Delivered = result.Delivered + retry.Delivered,
                        Bytes = result.Bytes + retry.Bytes,
                        Recovered = result.Recovered + retry.Recovered,
                        Unverified = result.Unverified + retry.Unverified,
                    };
                }
                catch (SessionBrokenByMessage broken)
                {
                    if (reopen is null || retry.Reopens >= MaxReopens) throw broken.Failure;
                    retry.Reopens++;
                    ledger = broken.Ledger;
                    if (!ReferenceEquals(current, session)) await current.DisposeAsync().ConfigureAwait(false);
                    current = session;
                    current = await reopen(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(current, session)) await current.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<RpopDrainResult> DrainAsync(Pop3Session session, UidLedger ledger, IMessageDestination destination,
        bool leave, long maxMessageSize, Func<LedgerChange, CancellationToken, Task> commit, CancellationToken cancellationToken,
        int batchSize, long batchBytes, Func<IReadOnlyList<InFlightDelivery>, CancellationToken, Task>? markInFlight, MalformedRetry retry,
        Action<int, long>? progress)
    {
        // An empty maildrop lists no UIDs: everything the ledger holds is gone from the server.
        IReadOnlyList<string>? uids = session.Count == 0 ? [] : null;
        if (session.Count > 0 && session.SupportsUids) uids = await session.ListUidsAsync(cancellationToken).ConfigureAwait(false);
        else if (session.Count > 0 && leave)
            throw new RemotePollException(PollErrorKind.ProtocolError, "the server does not support UIDL, which Leave needs to remember retrieved messages");
        var sizes = await session.ListSizesAsync(cancellationToken).ConfigureAwait(false);
        var maxSize = maxMessageSize;

        var known = ledger;
        var toDelete = new List<int>();
        var candidates = new List<int>();
        var tooLarge = 0;
        var refusedBefore = 0;
        var malformedLeft = 0;
        for (var i = 0; i < session.Count; i++)
        {
            var uid = uids?[i];
            // A UID recorded for a message of another size is a reused UIDL: a new message, retrieved like any other.
            var same = uid is not null && known.Matches(uid, sizes[i]);
            if (same && known.Delivered.Contains(uid!)) { if (!leave) toDelete.Add(i); continue; }
            if (same && known.Rejected.Contains(uid!)) { refusedBefore++; continue; }
            if (sizes[i] > maxSize) { tooLarge++; continue; }
            if (retry.Malformed.ContainsKey(MalformedRetry.Key(uids, i))) { malformedLeft++; continue; }
            candidates.Add(i);
        }
        // Delivered before, but the deletion did not commit (connection lost before QUIT): delete only.
        if (toDelete.Count > 0) await session.DeleteAsync(toDelete, cancellationToken).ConfigureAwait(false);

        var delivered = 0;
        var recognised = 0;
        var recovered = 0;
        var unverified = 0;
        var oversized = 0;
        long bytes = 0;
        var rejected = new List<string>();
        var substituted = new List<string>();
        string? temporary = null;
        var deletedUids = toDelete.Where(_ => uids is not null).Select(i => uids![i]).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        // Fetch and delivery overlap: batch n+1 is retrieved while batch n is delivered and committed, so the local side
        // is not idle while the remote one sends. At most two batches are in memory, and the byte budget counts both: a
        // batch takes at most half of it, and the next one only what fits beside the one being delivered (none fits: it
        // is fetched after, as before; a single message over the budget is still fetched, alone, with nothing beside it).
        // The session is used by one stage at a time: batch n's DELEs go out once batch n+1 is in, before n+2 is asked.
        List<int> NextBatch(long budget, bool alone)
        {
            var batch = new List<int>();
            long size = 0;
            // A message of a batch that broke a session is retrieved alone, to tell the one that breaks it.
            while (next < candidates.Count && batch.Count < batchSize && ((alone && batch.Count == 0) || size + sizes[candidates[next]] <= budget)
                && (batch.Count == 0 || !retry.Singly.Contains(MalformedRetry.Key(uids, candidates[next]))))
            {
                size += sizes[candidates[next]];
                batch.Add(candidates[next++]);
                if (retry.Singly.Contains(MalformedRetry.Key(uids, batch[0]))) break;
            }
            return batch;
        }
        Fetching? Start(List<int> batch) => batch.Count == 0 ? null : new Fetching(batch, batch.Count, FetchAsync(session, batch, cancellationToken));
        async Task<IReadOnlyList<Pop3FetchedMessage>> ReceiveAsync(Fetching pending)
        {
            try
            {
                return await pending.Task.ConfigureAwait(false);
            }
            catch (RemotePollException e) when (e is { Kind: PollErrorKind.ProtocolError, SessionUsable: false, InnerException: FormatException })
            {
                // The answers are out of step: some message's data ended early. No QUIT goes out, so nothing of this
                // session is deleted; what was delivered is in the ledger and is only deleted by the next session.
                var batch = pending.Batch;
                if (batch.Count == 1)
                    retry.Malformed[MalformedRetry.Key(uids, batch[0])] = $"message {batch[0] + 1}"
                        + (uids is null ? "" : $" (UID {uids[batch[0]]})") + " is malformed: its data ended early (an unstuffed \".\" line or a bare LF \".\" in it)";
                else retry.Singly.UnionWith(batch.Select(i => MalformedRetry.Key(uids, i)));
                retry.Delivered += delivered;
                retry.Bytes += bytes;
                retry.Recovered += recovered;
                retry.Unverified += unverified;
                throw new SessionBrokenByMessage(known, e);
            }
        }

        // The first batch is kept to an eighth of the budget: nothing is delivered while it is fetched, so the local side
        // waits for all of it (200 KB messages: 80 of them, 16 MB, before the first delivery); the next ones overlap.
        var fetching = Start(NextBatch(batchBytes / 8, alone: true));
        var toDeleteLater = new List<int>();
        var toDeleteLaterUids = new List<string>();
        try
        {
            while (fetching is not null && temporary is null)
            {
                var current = fetching;
                fetching = null;
                var fetched = await ReceiveAsync(current).ConfigureAwait(false);
                if (toDeleteLater.Count > 0)
                {
                    // The previous batch was acknowledged and committed before this one was awaited.
                    await session.DeleteAsync(toDeleteLater, cancellationToken).ConfigureAwait(false);
                    deletedUids.AddRange(toDeleteLaterUids);
                    toDeleteLater.Clear();
                    toDeleteLaterUids.Clear();
                }
                oversized += current.Asked - current.Batch.Count;
                // The next batch at most twice this one: it is fetched while this one is delivered, so that the local
                // side, done with a small first batch (20 × 200 KB), does not wait for one four times its size to arrive.
                var inMemory = fetched.Sum(m => (long)m.Data.Length);
                fetching = Start(NextBatch(Math.Min(Math.Min(batchBytes / 2, batchBytes - inMemory), Math.Max(batchBytes / 8, 2 * inMemory)), alone: false));

                var batchUids = fetched.Select(m => uids?[m.Index] ?? ContentUid(m.Data)).ToList();
                seen.UnionWith(batchUids);

                // Without UIDL, a message delivered (or refused) before is only recognised by its content.
                var fresh = new List<int>();
                var deleteNow = new List<int>();
                var deleteUids = new List<string>();
                for (var k = 0; k < fetched.Count; k++)
                {
                    if (session.SubstitutionIn(fetched[k].Data) is { } why)
                    {
                        // Not the message in the maildrop: delivering it and deleting the original would lose the original.
                        substituted.Add($"message {fetched[k].Index + 1}: {why}");
                    }
                    else if (uids is null && known.Delivered.Contains(batchUids[k]))
                    {
                        deleteNow.Add(fetched[k].Index);
                        deleteUids.Add(batchUids[k]);
                        recognised++;
                    }
                    else if (uids is null && known.Rejected.Contains(batchUids[k])) recognised++;
                    else fresh.Add(k);
                }

                var okUids = new List<string>();
                var badUids = new List<string>();
                var payloads = fresh.Select(k => fetched[k].Data).ToList();
                if (markInFlight is not null && fresh.Count > 0)
                {
                    // Left in flight by a poll that died before its commit: deliver again only what did not arrive.
                    var leftover = fresh.Where(k => known.InFlight.ContainsKey(batchUids[k])).ToList();
                    if (leftover.Count > 0)
                    {
                        var arrived = await FindDeliveredAsync(destination, leftover.Select(k => known.InFlight[batchUids[k]]).ToList(), cancellationToken)
                            .ConfigureAwait(false);
                        if (arrived.Unavailable is not null)
                        {
                            temporary = arrived.Unavailable;
                            fresh = fresh.Except(leftover).ToList();
                        }
                        else if (arrived.Ids is null) unverified += leftover.Count;
                        else
                        {
                            foreach (var k in leftover.Where(k => arrived.Ids.Contains(known.InFlight[batchUids[k]])))
                            {
                                okUids.Add(batchUids[k]);
                                deleteNow.Add(fetched[k].Index);
                                deleteUids.Add(batchUids[k]);
                                recovered++;
                            }
                            fresh = fresh.Where(k => !okUids.Contains(batchUids[k])).ToList();
                        }
                    }
                    var started = fresh.Where(k => !known.InFlight.ContainsKey(batchUids[k]))
                        .Select(k => new InFlightDelivery(batchUids[k], DeliveryStamp.NewId())).ToList();
                    if (started.Count > 0)
                    {
                        await markInFlight(started, cancellationToken).ConfigureAwait(false);
                        known = known.Start(started);
                    }
                    payloads = fresh.Select(k => DeliveryStamp.Stamp(fetched[k].Data, known.InFlight[batchUids[k]])).ToList();
                }
                var outcomes = fresh.Count == 0 ? []
                    : await DeliverAsync(destination, payloads, cancellationToken).ConfigureAwait(false);
                for (var j = 0; j < fresh.Count; j++)
                {
                    var k = fresh[j];
                    switch (outcomes[j].Status)
                    {
                        case DeliveryStatus.Delivered:
                            okUids.Add(batchUids[k]);
                            deleteNow.Add(fetched[k].Index);
                            deleteUids.Add(batchUids[k]);
                            delivered++;
                            bytes += fetched[k].Data.Length;
                            break;
                        case DeliveryStatus.PermanentFailure:
                            badUids.Add(batchUids[k]);
                            rejected.Add(outcomes[j].Reason ?? "refused");
                            break;
                        default:
                            temporary ??= outcomes[j].Reason ?? "temporary failure";
                            break;
                    }
                }
                // The rule that loses nothing: the batch is durable locally and its UIDs are journalled before any DELE.
                // With UIDL, each UID is journalled with its LIST size, so that a reused UIDL is not taken for it later.
                var change = new LedgerChange(okUids, badUids, [])
                {
                    Sizes = uids is null ? null
                        : fetched.Where(m => okUids.Contains(uids[m.Index]) || badUids.Contains(uids[m.Index]))
                            .ToDictionary(m => uids[m.Index], m => sizes[m.Index], StringComparer.Ordinal),
                };
                if (!change.IsEmpty)
                {
                    await commit(change, cancellationToken).ConfigureAwait(false);
                    known = known.Apply(change);
                    progress?.Invoke(delivered, bytes);
                }
                if (!leave)
                {
                    toDeleteLater.AddRange(deleteNow);
                    toDeleteLaterUids.AddRange(deleteUids);
                }
                // Nothing fitted beside this batch: the next one is fetched now that this one is done.
                if (fetching is null && temporary is null) fetching = Start(NextBatch(batchBytes / 2, alone: true));
            }
            // A temporary failure stops the drain: a batch fetched meanwhile is dropped (nothing of it was delivered), but
            // its answers are read to the end so that the session can still send the DELEs and QUIT.
            if (fetching is not null)
            {
                var dropped = fetching;
                fetching = null;
                await ReceiveAsync(dropped).ConfigureAwait(false);
            }
        }
        finally
        {
            // The drain failed with a retrieval under way: wait for it so that it does not outlive the drain's use of the
            // session (its own failure is of no interest then: the first one propagates).
            if (fetching is not null)
            {
                try
                {
                    await fetching.Task.ConfigureAwait(false);
                }
                catch (Exception e) when (e is RemotePollException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
        if (toDeleteLater.Count > 0)
        {
            await session.DeleteAsync(toDeleteLater, cancellationToken).ConfigureAwait(false);
            deletedUids.AddRange(toDeleteLaterUids);
        }

        await session.QuitAsync(cancellationToken).ConfigureAwait(false);

        // Prune what is gone: UIDs no longer listed, and what this session deleted (QUIT committed the deletions).
        // Without UIDL the ledger holds content hashes; one not seen is gone only if every message was read.
        tooLarge += oversized;
        var readAll = temporary is null && tooLarge == 0;
        var gone = uids is not null ? known.Delivered.Concat(known.Rejected).Except(uids).Concat(deletedUids).Distinct().ToList()
            : readAll ? known.Delivered.Concat(known.Rejected).Where(u => !seen.Contains(u)).Concat(deletedUids).Distinct().ToList()
            : deletedUids.Where(known.Knows).Distinct().ToList();
        if (gone.Count > 0) await commit(new LedgerChange([], [], gone), cancellationToken).ConfigureAwait(false);

        // Left for later: over the limit, refused, and what was not tried (a temporary failure stopped the drain).
        var left = tooLarge + refusedBefore + malformedLeft + (candidates.Count - oversized - delivered - recognised - recovered);
        var (kind, problem) = temporary is not null
            ? (PollErrorKind.LocalDeliveryFailed, $"local delivery failed temporarily ({temporary}); {CountText.Of(left, "message")} left on the server for the next poll")
            : rejected.Count > 0
                ? (PollErrorKind.LocalDeliveryFailed, $"{CountText.Of(rejected.Count, "message")} refused by the local side ({rejected[0]}); left on the server")
                : retry.Malformed.Count > 0
                    ? (PollErrorKind.ProtocolError, $"{CountText.Of(retry.Malformed.Count, "malformed message")} left on the server: "
                        + string.Join("; ", retry.Malformed.Values.Take(3)))
                : substituted.Count > 0
                    ? (PollErrorKind.ProtocolError, $"{CountText.Of(substituted.Count, "message")} left on the server, as the server sent something else in {(substituted.Count == 1 ? "its" : "their")} place "
                        + $"({substituted[0]}){(session.OffersUtf8 ? "; it refused UTF8 mode" : "")}")
                    : tooLarge > 0
                        ? (PollErrorKind.MessageTooLarge, $"{CountText.Of(tooLarge, "message")} over the {maxSize}-byte limit left on the server")
                        // Still there, still refused: keep saying so rather than let a quiet poll clear the error.
                        : refusedBefore > 0
                            ? (PollErrorKind.LocalDeliveryFailed, $"{CountText.Of(refusedBefore, "message")} refused earlier by the local side {CountText.Verb(refusedBefore)} still on the server")
                            : ((PollErrorKind?)null, (string?)null);
        return new RpopDrainResult(delivered, bytes, left, kind, problem) { Recovered = recovered, Unverified = unverified };
    }

    /// <summary>What one poll learnt of malformed messages, and what its broken sessions had done, across reopened sessions.</summary>
    private sealed class MalformedRetry
    {
        /// <summary>Messages (by <see cref="Key"/>) of a batch that broke a session: retrieved one at a time.</summary>
        public HashSet<string> Singly { get; } = new(StringComparer.Ordinal);

        /// <summary>Messages that broke a session alone, with why: left on the server for this poll.</summary>
        public Dictionary<string, string> Malformed { get; } = new(StringComparer.Ordinal);

        public int Reopens { get; set; }
        public int Delivered { get; set; }
        public long Bytes { get; set; }
        public int Recovered { get; set; }
        public int Unverified { get; set; }

        /// <summary>A message by its UID, or by its number where the server has no UIDL (stable: no QUIT was sent in between).</summary>
        public static string Key(IReadOnlyList<string>? uids, int index) => uids is null ? "#" + index : uids[index];
    }

    /// <summary>A batch being retrieved: its messages (the too-large ones are taken out), how many were asked, the retrieval.</summary>
    private sealed record Fetching(List<int> Batch, int Asked, Task<IReadOnlyList<Pop3FetchedMessage>> Task);

    /// <summary>A message broke the session; the ledger is as the drain had committed it.</summary>
    private sealed class SessionBrokenByMessage(UidLedger ledger, RemotePollException failure) : Exception(failure.Message, failure)
    {
        public UidLedger Ledger { get; } = ledger;
        public RemotePollException Failure { get; } = failure;
    }

    /// <summary>Asks the destination which delivery ids arrived; a local side that cannot be reached says why.</summary>
    private static async Task<(IReadOnlySet<string>? Ids, string? Unavailable)> FindDeliveredAsync(IMessageDestination destination,
        IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            return (await destination.FindDeliveredAsync(ids, cancellationToken).ConfigureAwait(false), null);
        }
        catch (DeliveryUnavailableException e)
        {
            return (null, $"cannot check whether {ids.Count} messages of an interrupted poll arrived: {e.Message}");
        }
    }

    /// <summary>
    /// Retrieves a batch. A message the session refuses as too large (over its own limit, or bigger than listed) is
    /// taken out of <paramref name="batch"/> and left on the server; the rest is retrieved.
    /// </summary>
    private static async Task<IReadOnlyList<Pop3FetchedMessage>> FetchAsync(Pop3Session session, List<int> batch, CancellationToken cancellationToken)
    {
        while (batch.Count > 0)
        {
            try
            {
                return await session.FetchAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotePollException e) when (e is { Kind: PollErrorKind.MessageTooLarge, SessionUsable: true, MessageIndex: { } index }
                && batch.Remove(index))
            {
            }
        }
        return [];
    }

    /// <summary>
    /// Hands a batch to the destination. A local side that cannot be reached at all fails the batch temporarily, so the
    /// poll still ends with QUIT and the deletions of earlier batches commit.
    /// </summary>
    private static async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IMessageDestination destination, IReadOnlyList<byte[]> messages,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<DeliveryOutcome> outcomes;
        try
        {
            outcomes = await destination.DeliverAsync(messages, cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryUnavailableException e)
        {
            return Enumerable.Repeat(DeliveryOutcome.Temporary(e.Message), messages.Count).ToArray();
        }
        if (outcomes.Count != messages.Count)
            throw new InvalidOperationException($"the destination reported {outcomes.Count} outcomes for {messages.Count} messages");
        return outcomes;
    }

    private static string ContentUid(byte[] data) => ContentUidPrefix + Convert.ToHexStringLower(SHA256.HashData(data));
}
