namespace RemotePoll.Core.Admin;

/// <summary>One cluster member: address, status (Up, Leaving, ...), roles, and whether it is reachable.</summary>
public sealed record ClusterMemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable);
