using RemotePoll.Core.Ledgers;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// Stands in for the account's journal: every commit is recorded in order and applied to an in-memory
/// <see cref="UidLedger"/>, which the next poll starts from.
/// </summary>
internal sealed class LedgerJournal
{
    private readonly Lock _gate = new();
    private readonly List<LedgerChange> _commits = [];
    private UidLedger _ledger = UidLedger.Empty;

    /// <summary>Called after each commit is applied (to put it on a timeline, or to break a connection).</summary>
    public Action<LedgerChange>? Committed { get; set; }

    public UidLedger Ledger
    {
        get { lock (_gate) return _ledger; }
    }

    public IReadOnlyList<LedgerChange> Commits
    {
        get { lock (_gate) return [.. _commits]; }
    }

    /// <summary>Commits that recorded deliveries or refusals (the per-batch journal writes), not prunes.</summary>
    public IReadOnlyList<LedgerChange> BatchCommits => Commits.Where(c => c.Delivered.Count > 0 || c.Rejected.Count > 0).ToList();

    public int DeliveredCommitted => Commits.Sum(c => c.Delivered.Count);

    /// <summary>Set: the next commit of deliveries throws instead of being journalled (the node dies before its commit).</summary>
    public bool DieBeforeNextCommit { get; set; }

    /// <summary>Journals deliveries as started (the in-flight mark).</summary>
    public Task MarkAsync(IReadOnlyList<InFlightDelivery> started, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) _ledger = _ledger.Start(started);
        return Task.CompletedTask;
    }

    public Task CommitAsync(LedgerChange change, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (DieBeforeNextCommit && change.Delivered.Count > 0)
        {
            DieBeforeNextCommit = false;
            throw new NodeDiedException();
        }
        lock (_gate)
        {
            _commits.Add(change);
            _ledger = _ledger.Apply(change);
        }
        Committed?.Invoke(change);
        return Task.CompletedTask;
    }
}
