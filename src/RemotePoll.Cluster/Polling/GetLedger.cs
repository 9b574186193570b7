namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>A poller asks its entity for the record's ledger at the start of a poll.</summary>
public sealed record GetLedger(string Name);
