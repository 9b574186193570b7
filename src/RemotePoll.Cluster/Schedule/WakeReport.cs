using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>A poller tells its shard's schedule when its next poll is due (null: Disabled), or, from its account,
/// that the record is gone. An account the schedule does not list yet is listed by it.</summary>
public sealed record WakeReport(string Shard, string Account, string Record, DateTimeOffset? Due, bool Removed = false)
    : IWakeScheduleMessage, IClusterMessage;
