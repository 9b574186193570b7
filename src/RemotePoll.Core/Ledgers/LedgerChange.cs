namespace RemotePoll.Core.Ledgers;

/// <summary>One batch's change to a UID ledger: newly delivered, newly refused, and pruned (gone from the server).</summary>
public sealed record LedgerChange(IReadOnlyList<string> Delivered, IReadOnlyList<string> Rejected, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Delivered.Count == 0 && Rejected.Count == 0 && Removed.Count == 0;
}
