using Xunit;

namespace RemotePoll.Testing.Dovecot;

/// <summary>An xunit class or collection fixture holding one private Dovecot with default options.</summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() => _server = await DovecotServer.StartAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
