namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>An RIMAP poller asks its entity how far each remote folder is mirrored.</summary>
public sealed record GetMarks(string Name);
