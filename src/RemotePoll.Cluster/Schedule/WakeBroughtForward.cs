using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Event: a record is new to the schedule, or its next poll moved earlier than what was kept.</summary>
public sealed record WakeBroughtForward(string Account, string Record, DateTimeOffset? Due) : IClusterMessage;
