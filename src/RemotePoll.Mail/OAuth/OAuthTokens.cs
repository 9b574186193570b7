namespace RemotePoll.Mail.OAuth;

/// <summary>
/// What a token request gave: an access token, when it expires, and a refresh token when the provider issued a
/// new one (a rotation, or the first grant). Its text form shows neither token.
/// </summary>
public sealed record OAuthTokens(string AccessToken, DateTimeOffset ExpiresAt, string? RefreshToken)
{
    /// <summary>The OpenID Connect id_token of a code exchange, when the scopes asked for one (who consented); not shown either.</summary>
    public string? IdToken { get; init; }

    public override string ToString() =>
        $"OAuthTokens {{ AccessToken = (hidden), ExpiresAt = {ExpiresAt:O}, RefreshToken = {(RefreshToken is null ? "none" : "(hidden)")} }}";
}
