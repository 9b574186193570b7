namespace RemotePoll.Core.Admin;

/// <summary>The hosts marked failed.</summary>
public sealed record HostsView(IReadOnlyList<FailedHostView> Hosts) : IAdminResult;
