using System.Diagnostics;
using RemotePoll.Core.OAuth;
using RemotePoll.Mail.OAuth;
using RemotePoll.Mail.Pop3;
using RemotePoll.Core.Records;
using RemotePoll.Testing.OAuth;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// Sign-in time per poll of an OAuth2 record (issue 17): <see cref="SignIns"/> POP3 sessions one after another, each
/// connect, AUTH with a bearer token (OAUTHBEARER; Dovecot checks it by introspection at the test provider) and QUIT,
/// against the OAuth2 Dovecot and <see cref="OAuthTestServer"/> on loopback. <see cref="Cached"/> signs in with the access
/// token kept in memory (most polls); <see cref="Refreshed"/> first refreshes it (OAuthTokenClient, the refresh token
/// rotated each time as Microsoft does), as a poll does when the token is near expiry or after a node restart. The
/// node's journaling of a rotated refresh token is not in it. "msg/s" is sign-ins per second.
/// </summary>
internal sealed class OAuthSignInCases : IAsyncDisposable
{
    public const string Cached = "rpop-oauth-signin-cached";
    public const string Refreshed = "rpop-oauth-signin-refresh";
    /// <summary>Sign-ins per run (a run's message count caps it).</summary>
    public const int SignIns = 200;

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private OAuthDovecotFixture? _fixture;
    private string _user = "";

    public IEnumerable<BenchmarkCase> All()
    {
        yield return new BenchmarkCase(Cached, false,
            "POP3 sign-in (connect, AUTH OAUTHBEARER, QUIT) with a cached access token, one after another", null,
            async (_, count, ct) =>
            {
                var (fixture, user) = await StartAsync(ct);
                var access = fixture.Provider.IssueGrant(user, OAuthDovecotFixture.ClientId).AccessToken;
                return await TimeAsync(fixture, Math.Min(count, SignIns), _ => Task.FromResult(access), ct);
            });
        yield return new BenchmarkCase(Refreshed, false,
            "the same sign-in after a token refresh at the provider (a rotated refresh token each time)", null,
            async (_, count, ct) =>
            {
                var (fixture, user) = await StartAsync(ct);
                var refresh = fixture.Provider.IssueGrant(user, OAuthDovecotFixture.ClientId).RefreshToken;
                var provider = new OAuthProvider("bench", OAuthProviderKind.Generic, OAuthDovecotFixture.ClientId, null,
                    fixture.Provider.AuthorizationEndpoint, fixture.Provider.TokenEndpoint, null, null, "mail offline_access");
                var client = new OAuthTokenClient(_http);
                return await TimeAsync(fixture, Math.Min(count, SignIns), async t =>
                {
                    var tokens = await client.RefreshAsync(provider, fixture.ClientSecret, refresh, t);
                    refresh = tokens.RefreshToken ?? throw new InvalidOperationException("the test provider did not rotate the refresh token");
                    return tokens.AccessToken;
                }, ct);
            });
    }

    /// <summary>The OAuth2 Dovecot and provider (started once, untimed) and a user with an empty, indexed mailbox.</summary>
    private async Task<(OAuthDovecotFixture Fixture, string User)> StartAsync(CancellationToken ct)
    {
        await _starting.WaitAsync(ct);
        try
        {
            if (_fixture is null)
            {
                var fixture = new OAuthDovecotFixture();
                await fixture.InitializeAsync();
                fixture.Provider.RotateRefreshTokens = true;
                _user = "oauthbench";
                await fixture.Server.AddUserAsync(_user, "unused-" + Guid.NewGuid().ToString("N"), ct);
                _fixture = fixture;
                await using var warm = await OpenAsync(fixture, _user, fixture.Provider.IssueGrant(_user, OAuthDovecotFixture.ClientId).AccessToken, ct);
            }
            return (_fixture, _user);
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task<RunSample> TimeAsync(OAuthDovecotFixture fixture, int signIns, Func<CancellationToken, Task<string>> token, CancellationToken ct)
    {
        var tokenTime = TimeSpan.Zero;
        var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
        {
            for (var i = 0; i < signIns; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var access = await token(ct);
                tokenTime += Stopwatch.GetElapsedTime(started);
                await using var session = await OpenAsync(fixture, _user, access, ct);
            }
        });
        return new RunSample(elapsed, cpu, signIns, 0, new Dictionary<string, TimeSpan> { ["token"] = tokenTime });
    }

    private static Task<Pop3Session> OpenAsync(OAuthDovecotFixture fixture, string user, string accessToken, CancellationToken ct) =>
        Pop3Session.OpenAsync(new Pop3SessionOptions { Host = new HostAndPort(fixture.Server.Host, fixture.Server.Pop3Port), MaxMessageSize = 1024 * 1024 },
            Pop3Credentials.ForBearer(user, new OAuth2Bearer(accessToken)), null, ct);

    public async ValueTask DisposeAsync()
    {
        if (_fixture is not null) await _fixture.DisposeAsync();
        _http.Dispose();
        _starting.Dispose();
    }
}
