namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>The entity's answer to <see cref="CommitLedger"/>: the change is durable.</summary>
public sealed record LedgerCommitted;
