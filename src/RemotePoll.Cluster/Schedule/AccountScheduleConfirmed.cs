using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>The reply to <see cref="ScheduleAccount"/>: the account is in the schedule's journal.</summary>
public sealed record AccountScheduleConfirmed(string Account) : IClusterMessage;
