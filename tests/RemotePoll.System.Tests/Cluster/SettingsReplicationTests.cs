using System.Text.Json;
using RemotePoll.Testing;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Issue 19 point 4 on three node processes sharing PostgreSQL: <c>module set</c> through one node answers only once every
/// node's own copy of the settings holds the change, so another node reports it right away (<c>node stats</c> reads the
/// node's local copy: its push limit is the module's push-connections), with no wait and no warning. Host failures
/// (Delay Failed Hosts) reach every node's replica the same way: a poll on any node skips a host failed by polls on
/// others, and <c>hosts clear</c> answers once every node dropped it.
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

    [Fact]
    public async Task A_host_failed_by_polls_on_one_node_is_skipped_on_the_others_and_hosts_clear_answers_once_every_node_dropped_it()
    {
        var (_, connection) = await postgres.NewDatabaseAsync("hostreplication", Ct);
        await using var group = new NodeGroup(connection, 3);
        await group.StartAllAsync();
        for (var n = 0; n < 3; n++) await group.WaitForMembersAsync(n, [0, 1, 2]);
        foreach (var (key, value) in new[] { ("allow-self-poll", "yes"), ("delay-failed-hosts", "1h") })
            await group.RpollOk(0, "module", "set", key, value);
        var down = $"127.0.0.1:{FreePorts.Take(1)[0]}"; // nothing listens there
        var accounts = Enumerable.Range(0, 8).Select(i => $"down{i}@example.com").ToArray();
        await group.RpollScript(0, accounts.Select(a => $"cgp SETACCOUNTRPOPS {a} '{{r={{domain=\"{down}\";authName=u;password=\"p\";period=\"1h\";}};}}'"));

        // Two accounts that cannot connect fail the endpoint for every account (FailedHosts.AccountsToFailForAll).
        foreach (var a in accounts[..2])
            Assert.Contains("ConnectionFailed", (await group.Rpoll(0, null, "rpop", "poll", a, "r", "--wait")).StandardOutput);

        // Every other account, wherever its shard lives, is held back by its own node's replica: the failure for all
        // accounts, not one of its own ("(account ... only)").
        foreach (var a in accounts[2..])
            await group.EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
            {
                var poll = (await group.Rpoll(1, null, "rpop", "poll", a, "r", "--wait")).StandardOutput;
                return (poll.Contains("is marked failed since", StringComparison.Ordinal) && !poll.Contains("(account", StringComparison.Ordinal), poll);
            }, $"{a} held back by the failure of {down} for every account");
        var nodes = (await group.RegionStatsAsync(0)).Rows.Where(r => r.Accounts > 0).Select(r => r.Node).Distinct().ToList();
        Assert.True(nodes.Count >= 2, $"the accounts live on {nodes.Count} node(s) only: no poll read a replica written from another node");

        var clear = await group.Rpoll(2, null, "hosts", "clear", "127.0.0.1");
        Assert.True(clear.ExitCode == 0 && clear.StandardError.Length == 0, $"hosts clear: exit {clear.ExitCode}: {clear.StandardError}");
        // Answered once every node dropped it: the next polls connect (and fail) at once, on whichever node.
        foreach (var a in accounts[2..4])
        {
            var poll = (await group.Rpoll(0, null, "rpop", "poll", a, "r", "--wait")).StandardOutput;
            Assert.Contains("ConnectionFailed", poll);
            Assert.DoesNotContain("is marked failed", poll);
        }
    }

    private static async Task<int> PushLimitAsync(NodeGroup group, int node)
    {
        using var stats = JsonDocument.Parse(await group.RpollOk(node, "node", "stats", "--json"));
        return stats.RootElement.GetProperty("pushLimit").GetInt32();
    }

}
