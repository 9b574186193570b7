using RemotePoll.Core.Ledgers;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>A poller asks its entity to persist a batch's ledger change; the reply is <see cref="LedgerCommitted"/>.</summary>
public sealed record CommitLedger(string Name, LedgerChange Change);
