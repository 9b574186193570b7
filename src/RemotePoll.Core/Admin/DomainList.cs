namespace RemotePoll.Core.Admin;

/// <summary><c>domain list</c>.</summary>
public sealed record DomainList : IAdminCommand;
