using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>The entity tells a poller its record changed (or what it is, at start) and when it last ran.</summary>
public sealed record RpopRecordUpdated(RpopRecord Record, DateTimeOffset? LastAttempt);
