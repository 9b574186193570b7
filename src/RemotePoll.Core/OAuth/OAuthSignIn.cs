using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.OAuth;

/// <summary>
/// A record that signs in with OAuth2 (authentication method <c>oauth2</c>): the registered provider it uses, and
/// the grant (the refresh token, sealed) once a user consented; null <see cref="Grant"/> means not yet connected
/// (or voided by a change of host, TLS or provider). <see cref="ConnectedAs"/> is the provider account's display name
/// the consent gave (null in events written before it was kept). <see cref="ToString"/> never shows the grant.
/// </summary>
public sealed record OAuthSignIn(string Provider, SealedSecret? Grant = null, DateTimeOffset? ConnectedAt = null, string? ConnectedAs = null)
{
    /// <summary>A user consented and the grant is kept: the record can get access tokens.</summary>
    public bool Connected => Grant is { IsNone: false };

    /// <summary>The sign-in after a record change: the grant survives only when neither the provider nor where it is sent changed.</summary>
    public static OAuthSignIn? After(OAuthSignIn? existing, string? providerGiven, bool targetChanged)
    {
        if (providerGiven is null)
            return existing is null || !targetChanged ? existing : existing with { Grant = null, ConnectedAt = null, ConnectedAs = null };
        if (providerGiven.Length == 0) return null;
        if (existing is null || !existing.Provider.Equals(providerGiven, StringComparison.Ordinal)) return new OAuthSignIn(providerGiven);
        return targetChanged ? new OAuthSignIn(providerGiven) : existing;
    }

    /// <summary>
    /// A grant carried by an imported CommuniGate dictionary (<c>oauthGrant</c>, exported with <c>--with-passwords</c>): sealed
    /// onto the sign-in. Null or empty keeps the sign-in as it is.
    /// </summary>
    public static OAuthSignIn? WithImportedGrant(OAuthSignIn? signIn, string? grant, string? connectedAs, ISecretSealer sealer) =>
        signIn is null || string.IsNullOrEmpty(grant) ? signIn
            : signIn with { Grant = sealer.Seal(grant), ConnectedAs = string.IsNullOrWhiteSpace(connectedAs) ? signIn.ConnectedAs : connectedAs.Trim() };

    /// <summary>The field error of an imported grant on a record that does not sign in with OAuth2, or of one that is malformed.</summary>
    public static string? ImportedGrantRefusal(string? grant, bool oauthWanted) =>
        string.IsNullOrEmpty(grant) ? null
        : !oauthWanted ? "is only for records that sign in with OAuth2 (authMethod = OAuth2)"
        : grant.Length > 8192 || grant.Any(char.IsControl) ? "must be at most 8192 characters without control characters"
        : null;

    public override string ToString() => $"OAuthSignIn {{ Provider = {Provider}, Grant = {(Grant is null ? "none" : "(sealed)")}, ConnectedAt = {ConnectedAt:O}, ConnectedAs = {ConnectedAs} }}";
}
