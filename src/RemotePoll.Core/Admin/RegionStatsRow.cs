namespace RemotePoll.Core.Admin;

/// <summary>One shard on one node and how many accounts it holds.</summary>
public sealed record RegionStatsRow(string Node, string Shard, int Accounts);
