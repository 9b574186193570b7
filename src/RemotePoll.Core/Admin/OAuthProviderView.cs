using RemotePoll.Core.OAuth;

namespace RemotePoll.Core.Admin;

/// <summary>One OAuth2 provider as shown: endpoints, client id, scopes, grant; the client secret only as present or not.</summary>
public sealed record OAuthProviderView(
    string Name, string Kind, string Grant, string ClientId, bool HasClientSecret, string? Tenant,
    string AuthorizationEndpoint, string TokenEndpoint, string? DeviceAuthorizationEndpoint, string? RevocationEndpoint, string Scopes)
{
    public static OAuthProviderView Of(OAuthProvider p) => new(
        p.Name, OAuthProviderChange.Word(p.Kind), OAuthProviderChange.Word(p.Grant), p.ClientId, p.ClientSecret is { IsNone: false }, p.Tenant,
        p.AuthorizationEndpoint, p.TokenEndpoint, p.DeviceAuthorizationEndpoint, p.RevocationEndpoint, p.Scopes);
}
