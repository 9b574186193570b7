using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Security;

/// <summary>Secrets at rest in the embedded SQLite journal: the database file and its WAL, byte for byte.</summary>
public sealed class SqliteSecretsAtRestTests
{
    [Fact]
    public async Task No_password_is_in_the_SQLite_files_after_set_update_snapshot_and_rotation()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Directory.CreateTempSubdirectory("rpoll-atrest-").FullName;
        var port = FreePorts.Take(1)[0];
        await using (var node = await NodeProcess.StartAsync(data, port))
        {
            await SecretsAtRest.RunAsync(port, () => Task.FromResult<IReadOnlyList<string>>(
                Directory.GetFiles(data, "remotepoll.db*")), ct);
            SecretsAtRest.AssertAbsent(node.Log, "the node's log");
            await node.StopAsync();
        }
        // After a clean stop the WAL is checkpointed into the file: search what stays on disk too.
        foreach (var file in Directory.GetFiles(data, "remotepoll.db*"))
            SecretsAtRest.AssertAbsent(await File.ReadAllBytesAsync(file, ct), file);
    }
}
