namespace RemotePoll.Core.Admin;

/// <summary>Registered OAuth2 providers for display: never a client secret, only whether one is stored.</summary>
public sealed record OAuthProvidersView(IReadOnlyList<OAuthProviderView> Providers) : IAdminResult;
