namespace RemotePoll.Core.Admin;

/// <summary><c>oauth provider show NAME</c>: one registered provider, without its client secret.</summary>
public sealed record OAuthProviderShow(string Name) : IAdminCommand;
