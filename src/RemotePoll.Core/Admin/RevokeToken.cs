namespace RemotePoll.Core.Admin;

/// <summary>
/// <c>token revoke ID</c> (server administrators): the token with this id (as <c>token whoami</c>, the issue reply and the
/// node's log show it) is refused by every node from now on, until it would have expired anyway.
/// </summary>
public sealed record RevokeToken(string Id) : IAdminCommand;
