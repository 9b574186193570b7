namespace RemotePoll.Core.Admin;

/// <summary>pbm's <c>cluster show</c>: the members, their status and roles, and which are unreachable.</summary>
public sealed record ClusterShow : IAdminCommand;
