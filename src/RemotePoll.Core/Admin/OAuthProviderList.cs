namespace RemotePoll.Core.Admin;

/// <summary><c>oauth provider list</c>: every registered provider, without client secrets.</summary>
public sealed record OAuthProviderList : IAdminCommand;
