namespace RemotePoll.Cluster.Polling;

/// <summary>Asks the account entity for an RPOP record's duplicate and progress ledger (Unified Domain-Wide Accounts).</summary>
public sealed record GetUnifiedLedger(string Name);
