using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Event: the account has no records left.</summary>
public sealed record AccountUnscheduled(string Account) : IClusterMessage;
