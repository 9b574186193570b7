using System.Collections.Concurrent;
using RemotePoll.Core.OAuth;
using RemotePoll.Mail.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// A node's OAuth2 token requests: one HTTP client for every provider, and the app-only tokens of client-credentials
/// providers, kept in memory per provider (every record of such a provider signs in with the same token) and fetched
/// again shortly before they expire. Tokens never leave this process.
/// </summary>
public sealed class OAuthTokenSource(OAuthTokenClient client, TimeProvider? time = null)
{
    /// <summary>A token this close to its expiry is not used: refreshed first, so it cannot expire during the session.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, AppToken> _app = new(OAuthProviderRegistry.NameComparer);
    private readonly SemaphoreSlim _appRequests = new(1, 1);

    public OAuthTokenClient Client => client;

    /// <summary>The same client, as the web's consent pages use it.</summary>
    public IOAuthConsent Consent => client;

    public DateTimeOffset Now => _time.GetUtcNow();

    public static OAuthTokenSource CreateDefault() => new(new OAuthTokenClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }));

    /// <summary>True when <paramref name="expiresAt"/> leaves time for a session.</summary>
    public bool Fresh(DateTimeOffset expiresAt) => expiresAt - _time.GetUtcNow() > RefreshBefore;

    /// <summary>The provider's app-only access token (client-credentials grant), from memory while fresh.</summary>
    public async Task<string> AppTokenAsync(OAuthProviderAccess access, CancellationToken cancellationToken)
    {
        var provider = access.Provider;
        if (_app.TryGetValue(provider.Name, out var known) && known.For == provider && Fresh(known.ExpiresAt)) return known.AccessToken;
        await _appRequests.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app.TryGetValue(provider.Name, out known) && known.For == provider && Fresh(known.ExpiresAt)) return known.AccessToken;
            var tokens = await client.ClientCredentialsAsync(provider, access.ClientSecret, cancellationToken).ConfigureAwait(false);
            _app[provider.Name] = new AppToken(provider, tokens.AccessToken, tokens.ExpiresAt);
            return tokens.AccessToken;
        }
        finally
        {
            _appRequests.Release();
        }
    }

    /// <summary>A server refused the app token: the next poll asks for a new one.</summary>
    public void ForgetAppToken(string provider) => _app.TryRemove(provider, out _);

    private sealed record AppToken(OAuthProvider For, string AccessToken, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => $"AppToken {{ Provider = {For.Name}, AccessToken = (hidden), ExpiresAt = {ExpiresAt:O} }}";
    }
}
