namespace RemotePoll.Core.Admin;

/// <summary>pbm's <c>cluster leave ADDRESS</c>: the member leaves gracefully.</summary>
public sealed record ClusterLeave(string Address) : IAdminCommand;
