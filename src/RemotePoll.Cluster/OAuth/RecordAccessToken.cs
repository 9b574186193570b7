using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// One record's OAuth2 access token, kept in memory by its poller (issue 17 part 4): used while fresh, refreshed with the
/// record's grant shortly before it expires. A refresh token the provider rotated is handed to <c>journal</c> (the account
/// entity persists it, sealed) before the new access token is used, so a crash between the two never strands the record.
/// Used by one poll at a time.
/// </summary>
public sealed class RecordAccessToken
{
    private string? _accessToken;
    private DateTimeOffset _expiresAt;
    /// <summary>The grant the cached token came from (the rotated one after a rotation); another grant (a new consent) is not served from it.</summary>
    private SealedSecret? _grant;

    /// <summary>
    /// The access token to sign in with. Throws <see cref="OAuthGrantRefusedException"/> when the provider refuses the grant
    /// (or the record has none), <see cref="OAuthTokenException"/> when the token request failed otherwise.
    /// </summary>
    public async Task<string> GetAsync(OAuthSignIn signIn, OAuthProviderAccess access, OAuthTokenSource source, ISecretSealer sealer,
        Func<OAuthSignIn, CancellationToken, Task> journal, CancellationToken cancellationToken)
    {
        if (!signIn.Connected) throw new OAuthGrantRefusedException("not connected");
        if (_accessToken is { } cached && Equals(_grant, signIn.Grant) && source.Fresh(_expiresAt)) return cached;
        _accessToken = null;
        var refreshToken = sealer.Unseal(signIn.Grant!);
        var tokens = await source.Client.RefreshAsync(access.Provider, access.ClientSecret, refreshToken, cancellationToken).ConfigureAwait(false);
        var grant = signIn.Grant;
        if (tokens.RefreshToken is { } rotated && rotated != refreshToken)
        {
            var next = signIn with { Grant = sealer.Seal(rotated) };
            await journal(next, cancellationToken).ConfigureAwait(false);
            grant = next.Grant;
        }
        (_accessToken, _expiresAt, _grant) = (tokens.AccessToken, tokens.ExpiresAt, grant);
        return tokens.AccessToken;
    }

    /// <summary>True when <paramref name="grant"/> is the one this cache rotated to (not a user's new consent).</summary>
    public bool Rotated(SealedSecret? grant) => grant is not null && Equals(_grant, grant);

    /// <summary>The server refused the token, or the grant was refused: the next poll refreshes.</summary>
    public void Forget() => _accessToken = null;

    public override string ToString() => $"RecordAccessToken {{ AccessToken = {(_accessToken is null ? "none" : "(hidden)")}, ExpiresAt = {_expiresAt:O} }}";
}
