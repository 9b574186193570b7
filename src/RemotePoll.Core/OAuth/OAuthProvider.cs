using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.OAuth;

/// <summary>
/// A registered OAuth2 provider (module-wide, <c>rpoll oauth provider set</c>): the application's client id and
/// sealed client secret, the endpoints and the scopes to ask for. Records name it by <see cref="Name"/>.
/// The client secret is never in clear text outside a token request; <see cref="ToString"/> hides it.
/// </summary>
public sealed record OAuthProvider(
    string Name,
    OAuthProviderKind Kind,
    string ClientId,
    SealedSecret? ClientSecret,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string? DeviceAuthorizationEndpoint,
    string? RevocationEndpoint,
    string Scopes,
    OAuthGrantType Grant = OAuthGrantType.User,
    string? Tenant = null)
{
    /// <summary>Google's published endpoints (developers.google.com/identity/protocols/oauth2) and Gmail's IMAP/POP scope.</summary>
    public const string GoogleAuthorization = "https://accounts.google.com/o/oauth2/v2/auth";
    public const string GoogleToken = "https://oauth2.googleapis.com/token";
    public const string GoogleDevice = "https://oauth2.googleapis.com/device/code";
    public const string GoogleRevocation = "https://oauth2.googleapis.com/revoke";
    public const string GoogleScopes = "https://mail.google.com/";

    /// <summary>Microsoft identity platform v2.0 (learn.microsoft.com, "Authenticate an IMAP, POP or SMTP connection using OAuth").</summary>
    public const string MicrosoftScopes =
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All offline_access";
    public const string MicrosoftAppScopes = "https://outlook.office365.com/.default";

    public static string MicrosoftAuthorization(string tenant) => $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize";
    public static string MicrosoftToken(string tenant) => $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";
    public static string MicrosoftDevice(string tenant) => $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode";

    /// <summary>Microsoft's IMAP/POP servers take XOAUTH2 only; every other provider may use OAUTHBEARER where offered.</summary>
    public bool AllowsOAuthBearer => Kind != OAuthProviderKind.Microsoft;

    public override string ToString() =>
        $"OAuthProvider {{ Name = {Name}, Kind = {Kind}, ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "none" : "(sealed)")}, " +
        $"Token = {TokenEndpoint}, Grant = {Grant}, Scopes = {Scopes} }}";
}
