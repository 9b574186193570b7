using Xunit;

namespace RemotePoll.Testing.Postgres;

/// <summary>An xunit class or collection fixture holding one private PostgreSQL 15; tests make their own databases in it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _databases;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>Creates a fresh database named after <paramref name="prefix"/> and returns its connection string.</summary>
    public Task<(string Name, string ConnectionString)> NewDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        return Create();

        async Task<(string, string)> Create() => (name, await Server.CreateDatabaseAsync(name, cancellationToken).ConfigureAwait(false));
    }

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }
}
