using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Testing.OAuth;

/// <summary>
/// An xunit fixture with the test authorization server and a Dovecot that takes its bearer tokens (XOAUTH2 and
/// OAUTHBEARER, checked by introspection). The client <see cref="ClientId"/> is registered with <see cref="ClientSecret"/>.
/// </summary>
public sealed class OAuthDovecotFixture : IAsyncLifetime
{
    public const string ClientId = "rpoll-test-client";

    private OAuthTestServer? _provider;
    private DovecotServer? _server;

    /// <summary>A fresh random secret per fixture, so tests can grep for it.</summary>
    public string ClientSecret { get; } = "cs-" + Guid.NewGuid().ToString("N");

    public OAuthTestServer Provider => _provider ?? throw new InvalidOperationException("the fixture has not started");

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync()
    {
        _provider = await OAuthTestServer.StartAsync().ConfigureAwait(false);
        _provider.AddClient(ClientId, ClientSecret);
        _server = await DovecotServer.StartAsync(new DovecotOptions { OAuth2IntrospectionUrl = _provider.IntrospectionEndpoint })
            .ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
        if (_provider is not null) await _provider.DisposeAsync().ConfigureAwait(false);
    }
}
