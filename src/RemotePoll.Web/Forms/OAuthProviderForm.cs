using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Web.Forms;

/// <summary>
/// The add/change form of one OAuth2 provider on the module settings page (issue 17 part 1). It only carries what was typed
/// to an <see cref="OAuthProviderChange"/>, the same change <c>rpoll oauth provider set</c> sends, so the registry applies the
/// same rules and defaults. An empty client secret keeps the stored one; an empty endpoint means the kind's default (as
/// <c>--token-endpoint ""</c> does); empty scopes, tenant or client id keep the stored value, or the kind's default.
/// </summary>
public sealed class OAuthProviderForm
{
    public string? Name { get; set; }
    public string Kind { get; set; } = "generic";
    public string Grant { get; set; } = "user";
    public string? ClientId { get; set; }
    /// <summary>Write-only: never filled in from the registry, never shown back.</summary>
    public string? ClientSecret { get; set; }
    public string? Tenant { get; set; }
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? DeviceAuthorizationEndpoint { get; set; }
    public string? RevocationEndpoint { get; set; }
    public string? Scopes { get; set; }

    public static readonly string[] Kinds = ["google", "microsoft", "generic"];
    public static readonly string[] Grants = ["user", "client-credentials"];

    public OAuthProviderChange ToChange() => new((Name ?? "").Trim())
    {
        Kind = Kind,
        Grant = Grant,
        ClientId = Given(ClientId),
        ClientSecret = string.IsNullOrEmpty(ClientSecret) ? null : ClientSecret,
        Tenant = Given(Tenant),
        AuthorizationEndpoint = AuthorizationEndpoint?.Trim() ?? "",
        TokenEndpoint = TokenEndpoint?.Trim() ?? "",
        DeviceAuthorizationEndpoint = DeviceAuthorizationEndpoint?.Trim() ?? "",
        RevocationEndpoint = RevocationEndpoint?.Trim() ?? "",
        Scopes = Given(Scopes),
    };

    /// <summary>The form filled in with a registered provider, to change it (the secret field stays empty).</summary>
    public static OAuthProviderForm Of(OAuthProviderView p) => new()
    {
        Name = p.Name, Kind = p.Kind, Grant = p.Grant, ClientId = p.ClientId, Tenant = p.Tenant,
        AuthorizationEndpoint = p.AuthorizationEndpoint, TokenEndpoint = p.TokenEndpoint,
        DeviceAuthorizationEndpoint = p.DeviceAuthorizationEndpoint, RevocationEndpoint = p.RevocationEndpoint, Scopes = p.Scopes,
    };

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
