namespace RemotePoll.Core.Admin;

/// <summary>Accounts per shard, per node address.</summary>
public sealed record RegionStatsView(IReadOnlyList<RegionStatsRow> Rows) : IAdminResult;
