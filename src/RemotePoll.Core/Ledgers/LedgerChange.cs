namespace RemotePoll.Core.Ledgers;

/// <summary>One batch's change to a UID ledger: newly delivered, newly refused, and pruned (gone from the server).</summary>
public sealed record LedgerChange(IReadOnlyList<string> Delivered, IReadOnlyList<string> Rejected, IReadOnlyList<string> Removed)
{
    /// <summary>
    /// The size (from LIST) of the messages recorded, by UID: with it a reused UIDL is told from the message the UID was
    /// recorded for. Absent in events written before it; a UID without a size is matched on the UID alone.
    /// </summary>
    public IReadOnlyDictionary<string, long>? Sizes { get; init; }

    public bool IsEmpty => Delivered.Count == 0 && Rejected.Count == 0 && Removed.Count == 0;
}
