namespace RemotePoll.Core.Admin;

/// <summary>The cluster as one node sees it.</summary>
public sealed record ClusterView(string SelfAddress, string? Leader, IReadOnlyList<ClusterMemberView> Members) : IAdminResult;
