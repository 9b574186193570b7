using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>An account has records: list it (persisted before the reply, <see cref="AccountScheduleConfirmed"/>).</summary>
public sealed record ScheduleAccount(string Shard, string Account) : IWakeScheduleMessage, IClusterMessage;
