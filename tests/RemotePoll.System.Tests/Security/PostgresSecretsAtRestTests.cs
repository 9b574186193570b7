using RemotePoll.System.Tests.Cluster;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Security;

/// <summary>Secrets at rest in a PostgreSQL journal: every file of the server's data directory (tables, WAL) after a checkpoint.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSecretsAtRestTests(PostgresFixture postgres)
{
    [Fact]
    public async Task No_password_is_in_the_PostgreSQL_files_after_set_update_snapshot_and_rotation()
    {
        var ct = TestContext.Current.CancellationToken;
        var (database, connection) = await postgres.NewDatabaseAsync("atrest", ct);
        var data = Directory.CreateTempSubdirectory("rpoll-atrest-pg-").FullName;
        var port = FreePorts.Take(1)[0];
        await using var node = await NodeProcess.StartAsync(data, port, ["--db", connection]);
        await SecretsAtRest.RunAsync(port, async () =>
        {
            await postgres.Server.ExecuteAsync(database, "CHECKPOINT", ct);
            return Directory.GetFiles(postgres.Server.DataDirectory, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".pid", StringComparison.Ordinal)).ToList();
        }, ct);
        SecretsAtRest.AssertAbsent(node.Log, "the node's log");
    }
}
