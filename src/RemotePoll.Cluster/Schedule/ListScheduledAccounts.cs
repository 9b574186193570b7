using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Which accounts does this shard's schedule list? The reply is <see cref="ScheduledAccounts"/>.</summary>
public sealed record ListScheduledAccounts(string Shard) : IWakeScheduleMessage, IClusterMessage;
