namespace RemotePoll.Core.Admin;

/// <summary><c>hosts list</c>: the hosts marked failed (Delay Failed Hosts) and until when.</summary>
public sealed record HostsList : IAdminCommand;
