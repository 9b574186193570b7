using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Unified;

namespace RemotePoll.Mail.Tests.Unified;

/// <summary>Stands in for the account's journal of a unified record: the UID ledger and the duplicate ledger, applied in order.</summary>
internal sealed class UnifiedJournal
{
    private readonly Lock _gate = new();

    public UidLedger Ledger { get { lock (_gate) return field; } private set; } = UidLedger.Empty;
    public UnifiedLedger Unified { get { lock (_gate) return field; } private set; } = UnifiedLedger.Empty;

    public Task CommitAsync(LedgerChange change, CancellationToken cancellationToken)
    {
        lock (_gate) Ledger = Ledger.Apply(change);
        return Task.CompletedTask;
    }

    public Task CommitAsync(UnifiedChange change, CancellationToken cancellationToken)
    {
        lock (_gate) Unified = Unified.Apply(change);
        return Task.CompletedTask;
    }
}
