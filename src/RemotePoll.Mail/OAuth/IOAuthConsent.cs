using RemotePoll.Core.OAuth;

namespace RemotePoll.Mail.OAuth;

/// <summary>
/// The authorization-code flow with PKCE as the web's Connect and /oauth/callback pages need it: the verifier and
/// challenge, the provider's consent URL, the exchange of the returned code for the grant, and its revocation when it
/// could not be stored.
/// </summary>
public interface IOAuthConsent
{
    (string Verifier, string Challenge) NewPkce();

    string AuthorizeUrl(OAuthProvider provider, string redirectUri, string state, string codeChallenge, string? loginHint = null);

    Task<OAuthTokens> ExchangeCodeAsync(OAuthProvider provider, string? clientSecret, string code, string codeVerifier,
        string redirectUri, CancellationToken cancellationToken);

    /// <summary>Revokes a grant the node would not store; the sentence says what became of it (<see cref="OAuthTokenClient.RevokeUnstoredAsync"/>).</summary>
    Task<string> RevokeUnstoredAsync(OAuthProvider provider, string? clientSecret, string refreshToken, CancellationToken cancellationToken);
}
