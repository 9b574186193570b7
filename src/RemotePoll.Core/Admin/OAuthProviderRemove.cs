namespace RemotePoll.Core.Admin;

/// <summary><c>oauth provider remove NAME</c>: refused while records sign in through it (they are named).</summary>
public sealed record OAuthProviderRemove(string Name) : IAdminCommand;
