using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Schedule;

/// <summary>Every account with records in one account shard.</summary>
public sealed record ScheduledAccounts(string Shard, IReadOnlyList<string> Accounts) : IClusterMessage;
