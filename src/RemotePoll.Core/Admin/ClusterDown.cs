namespace RemotePoll.Core.Admin;

/// <summary>pbm's <c>cluster down ADDRESS</c>: the member is marked down.</summary>
public sealed record ClusterDown(string Address) : IAdminCommand;
