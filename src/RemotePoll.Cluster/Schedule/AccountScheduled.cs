using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Event: the account has records and is woken by its shard's schedule.</summary>
public sealed record AccountScheduled(string Account) : IClusterMessage;
