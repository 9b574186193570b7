namespace RemotePoll.Core.Admin;

/// <summary>pbm's <c>cluster-sharding region-stats</c>: accounts per shard on each node.</summary>
public sealed record ShowRegionStats : IAdminCommand;
