using System.Text.Json;
using RemotePoll.Testing;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Issue 19 point 4 on three node processes sharing PostgreSQL: <c>module set</c> through one node answers only once every
/// node's own copy of the settings holds the change, so another node reports it right away (<c>node stats</c> reads the
/// node's local copy: its push limit is the module's push-connections), with no wait and no warning.
/// </summary>
[Integration]
[Collection(PostgresCollection.Name)]
public sealed class SettingsReplicationTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_module_set_on_one_node_is_read_on_every_other_node_when_it_answers()
    {
        var (_, connection) = await postgres.NewDatabaseAsync("replication", Ct);
        await using var group = new NodeGroup(connection, 3);
        await group.StartAllAsync();
        for (var n = 0; n < 3; n++) await group.WaitForMembersAsync(n, [0, 1, 2]);

        for (var limit = 2; limit <= 4; limit++)
        {
            var set = await group.Rpoll(0, null, "module", "set", "push-connections", limit.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(set.ExitCode == 0 && set.StandardError.Length == 0, $"module set: exit {set.ExitCode}: {set.StandardError}");
            foreach (var node in new[] { 2, 1 })
                Assert.Equal(limit, await PushLimitAsync(group, node));
        }
    }

    private static async Task<int> PushLimitAsync(NodeGroup group, int node)
    {
        using var stats = JsonDocument.Parse(await group.RpollOk(node, "node", "stats", "--json"));
        return stats.RootElement.GetProperty("pushLimit").GetInt32();
    }

}
