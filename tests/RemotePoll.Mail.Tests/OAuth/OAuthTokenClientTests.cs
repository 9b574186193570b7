using System.Net;
using System.Web;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.OAuth;
using RemotePoll.Testing.OAuth;
using Xunit;

namespace RemotePoll.Mail.Tests.OAuth;

/// <summary>The token client (Duende.IdentityModel) against the test authorization server on loopback: every grant the records use.</summary>
public sealed class OAuthTokenClientTests : IAsyncLifetime
{
    private const string ClientId = "client-1";
    private readonly string _secret = "cs-" + Guid.NewGuid().ToString("N");
    private OAuthTestServer _server = null!;
    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await OAuthTestServer.StartAsync();
        _server.AddClient(ClientId, _secret);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private OAuthProvider Provider(OAuthGrantType grant = OAuthGrantType.User) => new(
        "test", OAuthProviderKind.Generic, ClientId, new SealedSecret("unused"), _server.AuthorizationEndpoint, _server.TokenEndpoint,
        _server.DeviceAuthorizationEndpoint, _server.RevocationEndpoint, "mail", grant);

    private OAuthTokenClient Client => new(_http);

    [Fact]
    public async Task A_refresh_returns_a_new_access_token_and_the_rotated_refresh_token_and_the_old_one_is_void()
    {
        _server.RotateRefreshTokens = true;
        var (_, refresh) = _server.IssueGrant("joe", ClientId);

        var tokens = await Client.RefreshAsync(Provider(), _secret, refresh, Ct);

        Assert.NotNull(tokens.RefreshToken);
        Assert.NotEqual(refresh, tokens.RefreshToken);
        Assert.Contains(tokens.AccessToken, _server.IssuedAccessTokens);
        Assert.True(tokens.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        await Assert.ThrowsAsync<OAuthGrantRefusedException>(() => Client.RefreshAsync(Provider(), _secret, refresh, Ct));
        var again = await Client.RefreshAsync(Provider(), _secret, tokens.RefreshToken!, Ct);
        Assert.NotNull(again.AccessToken);
    }

    [Fact]
    public async Task Revoked_consent_is_a_refused_grant_naming_no_token_while_an_unreachable_provider_is_a_passing_failure()
    {
        var (_, refresh) = _server.IssueGrant("ann", ClientId);
        _server.RevokeUser("ann");

        var refused = await Assert.ThrowsAsync<OAuthGrantRefusedException>(() => Client.RefreshAsync(Provider(), _secret, refresh, Ct));
        Assert.Contains("invalid_grant", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_secret, refused.Message, StringComparison.Ordinal);

        var gone = Provider() with { TokenEndpoint = "http://127.0.0.1:1/token" };
        await Assert.ThrowsAsync<OAuthTokenException>(() => Client.RefreshAsync(gone, _secret, refresh, Ct));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused()
    {
        var (_, refresh) = _server.IssueGrant("kim", ClientId);
        await Assert.ThrowsAsync<OAuthGrantRefusedException>(() => Client.RefreshAsync(Provider(), "wrong", refresh, Ct));
    }

    [Fact]
    public async Task The_device_flow_waits_for_the_user_and_then_yields_a_grant()
    {
        var device = await Client.StartDeviceAsync(Provider(), _secret, Ct);
        Assert.Equal(_server.VerificationUri, device.VerificationUri);
        var completion = Client.CompleteDeviceAsync(Provider(), _secret, device, Ct);
        Assert.False(completion.IsCompleted);

        Assert.True(_server.ApproveDevice(device.UserCode, "dev"));
        var tokens = await completion.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.NotNull(tokens.RefreshToken);
        Assert.Contains(tokens.RefreshToken, _server.IssuedRefreshTokens);
    }

    [Fact]
    public async Task Client_credentials_give_an_app_token_without_a_refresh_token()
    {
        var tokens = await Client.ClientCredentialsAsync(Provider(OAuthGrantType.ClientCredentials), _secret, Ct);
        Assert.Null(tokens.RefreshToken);
        Assert.Contains(tokens.AccessToken, _server.IssuedAccessTokens);
    }

    [Fact]
    public async Task The_authorization_code_is_exchanged_only_with_its_PKCE_verifier()
    {
        const string redirect = "https://node.example/oauth/callback";
        var (verifier, challenge) = OAuthTokenClient.NewPkce();
        var url = OAuthTokenClient.AuthorizeUrl(Provider(), redirect, "st-1", challenge);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(url, Ct)).StatusCode);
        string Consent()
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false };
            using var browser = new HttpClient(handler);
            var answer = browser.PostAsync(_server.AuthorizationEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = ClientId, ["redirect_uri"] = redirect, ["state"] = "st-1", ["scope"] = "mail",
                ["code_challenge"] = challenge, ["user"] = "pat", ["decision"] = "allow",
            }), Ct).GetAwaiter().GetResult();
            var query = HttpUtility.ParseQueryString(answer.Headers.Location!.Query);
            Assert.Equal("st-1", query["state"]);
            return query["code"]!;
        }

        var code = Consent();
        await Assert.ThrowsAsync<OAuthGrantRefusedException>(() =>
            Client.ExchangeCodeAsync(Provider(), _secret, code, OAuthTokenClient.NewPkce().Verifier, redirect, Ct));
        var second = Consent();
        var tokens = await Client.ExchangeCodeAsync(Provider(), _secret, second, verifier, redirect, Ct);
        Assert.NotNull(tokens.RefreshToken);
    }
}
