namespace RemotePoll.Cluster.Schedule;

/// <summary>Registry key of the wake schedules' shard region.</summary>
public sealed class WakeScheduleRegion;
