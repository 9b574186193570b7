using System.Net;
using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Mail.OAuth;

/// <summary>
/// The OAuth2 requests a node makes to a provider, on Duende.IdentityModel's generic client for every provider
/// kind: refresh, client credentials, device authorization and polling, authorization-code exchange with PKCE,
/// revocation. The client secret is sent in the request body (client_secret_post), which Google, Microsoft and
/// RFC 6749 servers all take. A refused grant is an <see cref="OAuthGrantRefusedException"/> (the user must
/// reconnect); anything that may pass is an <see cref="OAuthTokenException"/>. Neither message holds a token.
/// </summary>
public sealed class OAuthTokenClient(HttpClient http, TimeProvider? time = null) : IOAuthConsent
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A new access token for a record's refresh token; a rotated refresh token comes back in <see cref="OAuthTokens.RefreshToken"/>.</summary>
    public async Task<OAuthTokens> RefreshAsync(OAuthProvider provider, string? clientSecret, string refreshToken, CancellationToken cancellationToken)
    {
        var response = await Send(() => http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = provider.TokenEndpoint,
            ClientId = provider.ClientId,
            ClientSecret = clientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            RefreshToken = refreshToken,
        }, cancellationToken), provider, "refresh", cancellationToken).ConfigureAwait(false);
        return Tokens(response, provider, "refresh");
    }

    /// <summary>An app-only access token (client-credentials grant); there is no refresh token.</summary>
    public async Task<OAuthTokens> ClientCredentialsAsync(OAuthProvider provider, string? clientSecret, CancellationToken cancellationToken)
    {
        var response = await Send(() => http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = provider.TokenEndpoint,
            ClientId = provider.ClientId,
            ClientSecret = clientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Scope = provider.Scopes,
        }, cancellationToken), provider, "client-credentials", cancellationToken).ConfigureAwait(false);
        return Tokens(response, provider, "client-credentials");
    }

    /// <summary>Starts the device flow (RFC 8628): the user code and the URL to show the user.</summary>
    public async Task<OAuthDeviceAuthorization> StartDeviceAsync(OAuthProvider provider, string? clientSecret, CancellationToken cancellationToken)
    {
        if (provider.DeviceAuthorizationEndpoint is not { } endpoint)
            throw new OAuthGrantRefusedException($"provider {provider.Name} has no device-authorization endpoint");
        DeviceAuthorizationResponse response;
        try
        {
            response = await http.RequestDeviceAuthorizationAsync(new DeviceAuthorizationRequest
            {
                Address = endpoint,
                ClientId = provider.ClientId,
                ClientSecret = clientSecret,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                Scope = provider.Scopes,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthTokenException($"provider {provider.Name}: device authorization failed: {e.Message}", e);
        }
        if (response.IsError)
            throw Failure(provider, "device authorization", response);
        // Google names the page verification_url, RFC 8628 and Microsoft verification_uri.
        var uri = response.VerificationUri ?? response.TryGet("verification_url");
        if (string.IsNullOrEmpty(response.DeviceCode) || string.IsNullOrEmpty(response.UserCode) || string.IsNullOrEmpty(uri))
            throw new OAuthTokenException($"provider {provider.Name}: the device-authorization answer lacks device_code, user_code or verification_uri");
        return new OAuthDeviceAuthorization(response.DeviceCode, response.UserCode, uri, response.VerificationUriComplete,
            TimeSpan.FromSeconds(Math.Clamp(response.Interval, 1, 60)), _time.GetUtcNow().AddSeconds(response.ExpiresIn ?? 600));
    }

    /// <summary>Polls the token endpoint until the user approved the device (honouring interval and slow_down) or the code expired.</summary>
    public async Task<OAuthTokens> CompleteDeviceAsync(OAuthProvider provider, string? clientSecret, OAuthDeviceAuthorization device,
        CancellationToken cancellationToken)
    {
        var interval = device.Interval;
        while (true)
        {
            if (_time.GetUtcNow() >= device.ExpiresAt)
                throw new OAuthGrantRefusedException($"provider {provider.Name}: the device code expired before the user approved it");
            var response = await Send(() => http.RequestDeviceTokenAsync(new DeviceTokenRequest
            {
                Address = provider.TokenEndpoint,
                ClientId = provider.ClientId,
                ClientSecret = clientSecret,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                DeviceCode = device.DeviceCode,
            }, cancellationToken), provider, "device", cancellationToken).ConfigureAwait(false);
            switch (response.Error)
            {
                case OidcConstants.TokenErrors.AuthorizationPending:
                    break;
                case OidcConstants.TokenErrors.SlowDown:
                    interval += TimeSpan.FromSeconds(5);
                    break;
                default:
                    return Tokens(response, provider, "device");
            }
            await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The URL of the provider's consent page for the authorization-code flow with PKCE (S256).</summary>
    public static string AuthorizeUrl(OAuthProvider provider, string redirectUri, string state, string codeChallenge, string? loginHint = null)
    {
        var extra = new Parameters();
        // Google issues a refresh token only for offline access with a fresh consent.
        if (provider.Kind == OAuthProviderKind.Google)
        {
            extra.Add("access_type", "offline");
            extra.Add("prompt", "consent");
        }
        return new RequestUrl(provider.AuthorizationEndpoint).CreateAuthorizeUrl(provider.ClientId, OidcConstants.ResponseTypes.Code,
            scope: provider.Scopes, redirectUri: redirectUri, state: state, codeChallenge: codeChallenge,
            codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256, loginHint: loginHint, extra: extra);
    }

    (string Verifier, string Challenge) IOAuthConsent.NewPkce() => NewPkce();

    string IOAuthConsent.AuthorizeUrl(OAuthProvider provider, string redirectUri, string state, string codeChallenge, string? loginHint) =>
        AuthorizeUrl(provider, redirectUri, state, codeChallenge, loginHint);

    /// <summary>A PKCE verifier (RFC 7636, 43 characters of base64url) and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
        return (verifier, System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>Exchanges the code the provider sent to /oauth/callback for the grant.</summary>
    public async Task<OAuthTokens> ExchangeCodeAsync(OAuthProvider provider, string? clientSecret, string code, string codeVerifier,
        string redirectUri, CancellationToken cancellationToken)
    {
        var response = await Send(() => http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = provider.TokenEndpoint,
            ClientId = provider.ClientId,
            ClientSecret = clientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = code,
            CodeVerifier = codeVerifier,
            RedirectUri = redirectUri,
        }, cancellationToken), provider, "authorization-code", cancellationToken).ConfigureAwait(false);
        return Tokens(response, provider, "authorization-code") with { IdToken = response.IdentityToken };
    }

    /// <summary>
    /// Revokes a refresh token at the provider (RFC 7009), where it has a revocation endpoint; false when it has none, refused
    /// it, or could not be reached (never throws for that: revocation is a courtesy after something else failed).
    /// </summary>
    public async Task<bool> RevokeAsync(OAuthProvider provider, string? clientSecret, string refreshToken, CancellationToken cancellationToken)
    {
        if (provider.RevocationEndpoint is not { } endpoint) return false;
        try
        {
            var response = await http.RevokeTokenAsync(new TokenRevocationRequest
            {
                Address = endpoint,
                ClientId = provider.ClientId,
                ClientSecret = clientSecret,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                Token = refreshToken,
                TokenTypeHint = OidcConstants.TokenTypes.RefreshToken,
            }, cancellationToken).ConfigureAwait(false);
            return !response.IsError;
        }
        catch (HttpRequestException) { return false; }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return false; }
    }

    /// <summary>
    /// A grant just obtained that the node would not store (the record was removed or changed meanwhile): revoked at the
    /// provider, so no live consent is left behind that nobody holds. Returns the sentence that says what became of it.
    /// </summary>
    public async Task<string> RevokeUnstoredAsync(OAuthProvider provider, string? clientSecret, string refreshToken, CancellationToken cancellationToken)
    {
        if (provider.RevocationEndpoint is null)
            return $"provider {provider.Name} has no revocation endpoint: the consent can be withdrawn in the account's settings at the provider";
        return await RevokeAsync(provider, clientSecret, refreshToken, cancellationToken).ConfigureAwait(false)
            ? $"the new grant was revoked at provider {provider.Name}"
            : $"revoking the new grant at provider {provider.Name} failed: the consent can be withdrawn in the account's settings at the provider";
    }

    private async Task<TokenResponse> Send(Func<Task<TokenResponse>> request, OAuthProvider provider, string grant, CancellationToken cancellationToken)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthTokenException($"provider {provider.Name}: {grant} token request failed: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller's cancellation: the provider did not answer in time.
            throw new OAuthTokenException($"provider {provider.Name}: {grant} token request failed: no answer within {http.Timeout.TotalSeconds:0} s", e);
        }
    }

    private OAuthTokens Tokens(TokenResponse response, OAuthProvider provider, string grant)
    {
        if (response.IsError) throw Failure(provider, grant, response);
        if (string.IsNullOrEmpty(response.AccessToken))
            throw new OAuthTokenException($"provider {provider.Name}: the {grant} answer holds no access_token");
        // No expires_in: assume the common hour; the session's refusal clears the cached token anyway.
        var lifetime = response.ExpiresIn > 0 ? response.ExpiresIn : 3600;
        return new OAuthTokens(response.AccessToken, _time.GetUtcNow().AddSeconds(lifetime),
            string.IsNullOrEmpty(response.RefreshToken) ? null : response.RefreshToken);
    }

    /// <summary>
    /// RFC 6749 section 5.2: invalid_grant and invalid_client (and a denied or expired device code) need a new consent; the rest
    /// may pass (a 5xx, an answer that is not the protocol's JSON, another error code), and its text names the HTTP status.
    /// </summary>
    private static Exception Failure(OAuthProvider provider, string grant, ProtocolResponse response)
    {
        var (type, status, error) = (response.ErrorType, response.HttpStatusCode, response.Error);
        // A 401 is the client's credentials refused (RFC 6749 5.2 invalid_client): no retry helps either.
        var refused = (type == ResponseErrorType.Protocol && error is "invalid_grant" or "invalid_client" or "unauthorized_client"
            or "access_denied" or "expired_token" or "invalid_scope") || status == HttpStatusCode.Unauthorized;
        if (refused) return new OAuthGrantRefusedException($"provider {provider.Name}: {grant} refused: {error}");
        var http = status == 0 ? "" : $"HTTP {((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)} ";
        return type switch
        {
            ResponseErrorType.Protocol => new OAuthTokenException($"provider {provider.Name}: {grant} refused: {error}{(http.Length > 0 ? $" ({http.TrimEnd()})" : "")}"),
            ResponseErrorType.Http => new OAuthTokenException($"provider {provider.Name}: {grant} token request failed: {http}{response.HttpErrorReason}"),
            // The answer was not the protocol's JSON (cut short, an HTML page with 200), or the request itself failed.
            _ => new OAuthTokenException($"provider {provider.Name}: {grant} token request failed: {http}" +
                $"{(response.Exception is System.Text.Json.JsonException ? "the answer is not an OAuth2 JSON object" : response.Exception?.Message ?? error)}",
                response.Exception),
        };
    }
}
