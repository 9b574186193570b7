using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>The entity tells an RIMAP poller its record changed (period, settings, a new Try Now order).</summary>
public sealed record RimapRecordUpdated(RimapRecord Record);
