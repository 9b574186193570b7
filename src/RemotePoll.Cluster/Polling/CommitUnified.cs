using RemotePoll.Core.Unified;

namespace RemotePoll.Cluster.Polling;

/// <summary>Persists a batch's deliveries to a Unified Domain-Wide Account's recipients; answered by <see cref="LedgerCommitted"/> once journalled.</summary>
public sealed record CommitUnified(string Name, UnifiedChange Change);
