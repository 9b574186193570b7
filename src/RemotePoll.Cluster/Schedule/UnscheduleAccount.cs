using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>An account has no records left: it is no longer woken.</summary>
public sealed record UnscheduleAccount(string Shard, string Account) : IWakeScheduleMessage, IClusterMessage;
