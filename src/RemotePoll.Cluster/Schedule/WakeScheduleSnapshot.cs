using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Polling;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Snapshot of one shard's schedule: every account with its records' due times.</summary>
public sealed record WakeScheduleSnapshot(IReadOnlyList<WakeEntry> Accounts) : IClusterMessage;
