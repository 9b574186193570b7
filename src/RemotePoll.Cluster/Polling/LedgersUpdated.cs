namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>
/// The entity tells a poller its record's ledgers changed (a batch committed, a record saved or imported). Sent before the
/// entity acknowledges the commit, so it is in the poller's mailbox before the poll that committed can end.
/// </summary>
public sealed record LedgersUpdated(RecordLedgers Ledgers);
