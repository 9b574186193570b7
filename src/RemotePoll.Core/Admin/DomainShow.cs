namespace RemotePoll.Core.Admin;

/// <summary><c>domain show DOMAIN</c>.</summary>
public sealed record DomainShow(string Domain) : IAdminCommand;
