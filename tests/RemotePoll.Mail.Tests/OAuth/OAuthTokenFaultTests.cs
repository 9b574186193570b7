using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.OAuth;
using RemotePoll.Testing;
using RemotePoll.Testing.OAuth;
using Xunit;

namespace RemotePoll.Mail.Tests.OAuth;

/// <summary>
/// Issue 17 leftover: a token endpoint in trouble (HTTP 5xx, an answer that is not JSON, no answer) is a failure that may
/// pass (<see cref="OAuthTokenException"/>, naming the HTTP status), never a refused grant that would send the user to reconnect.
/// </summary>
[Integration]
public sealed class OAuthTokenFaultTests : IAsyncLifetime
{
    private const string ClientId = "client-f";
    private readonly string _secret = "cs-" + Guid.NewGuid().ToString("N");
    private OAuthTestServer _server = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

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

    private OAuthProvider Provider => new(
        "troubled", OAuthProviderKind.Generic, ClientId, new SealedSecret("unused"), _server.AuthorizationEndpoint, _server.TokenEndpoint,
        _server.DeviceAuthorizationEndpoint, _server.RevocationEndpoint, "mail");

    [Theory]
    [InlineData(OAuthTestServer.Fault.ServerUnavailable, "HTTP 503")]
    [InlineData(OAuthTestServer.Fault.MalformedJson, "HTTP 200 the answer is not an OAuth2 JSON object")]
    [InlineData(OAuthTestServer.Fault.Hang, "no answer within 2 s")]
    public async Task A_token_endpoint_in_trouble_is_a_passing_failure_naming_the_status_and_no_token(OAuthTestServer.Fault fault, string said)
    {
        var (_, refresh) = _server.IssueGrant("fay", ClientId);
        _server.TokenFault = fault;

        var failure = await Assert.ThrowsAsync<OAuthTokenException>(() => new OAuthTokenClient(_http).RefreshAsync(Provider, _secret, refresh, Ct));

        Assert.Contains("provider troubled: refresh token request failed: " + said, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_secret, failure.Message, StringComparison.Ordinal);
        // The grant is untouched: once the provider is back, the same refresh token works.
        _server.TokenFault = OAuthTestServer.Fault.None;
        Assert.NotNull((await new OAuthTokenClient(_http).RefreshAsync(Provider, _secret, refresh, Ct)).AccessToken);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_turned_into_a_provider_failure()
    {
        var (_, refresh) = _server.IssueGrant("gus", ClientId);
        _server.TokenFault = OAuthTestServer.Fault.Hang;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new OAuthTokenClient(http).RefreshAsync(Provider, _secret, refresh, stop.Token));
    }
}
