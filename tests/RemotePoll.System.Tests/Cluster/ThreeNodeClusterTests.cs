using System.Diagnostics;
using System.Globalization;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Three node processes on loopback ports sharing one PostgreSQL database: they form one cluster, spread the accounts
/// over their shards, and keep every account reachable when a node leaves (SIGTERM) or crashes (SIGKILL; keep-majority
/// downs it and the two survivors take its shards over).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ThreeNodeClusterTests(PostgresFixture postgres)
{
    private const int Accounts = 30;
    private static readonly TimeSpan TakeOverLimit = TimeSpan.FromSeconds(60);

    private static string Account(int i) => $"user{i:D2}@example.com";
    private static string Host(int i) => $"pop{i:D2}.example.com";
    private static string Secret(int i) => $"Remote-Pw-{i:D2}-x7";

    [Fact]
    public async Task Three_nodes_form_one_cluster_share_every_account_and_keep_them_when_one_leaves()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, connection) = await postgres.NewDatabaseAsync("leave", ct);
        await using var group = new NodeGroup(connection, 3);
        await FormAndFillAsync(group);

        // SIGTERM the oldest node (the seed, home of the singletons and the shard coordinator): it leaves and exits 0.
        var stopping = Stopwatch.StartNew();
        Assert.Equal(0, await group.Node(0).StopAsync());
        TestContext.Current.TestOutputHelper?.WriteLine($"node 0 left in {stopping.Elapsed.TotalSeconds:0.0} s");
        foreach (var n in new[] { 1, 2 })
        {
            await group.EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
            {
                var c = await group.ClusterAsync(n);
                return (c.Members.Count == 2 && c.Members.All(m => m.Status == "Up" && m.Reachable), Describe(c));
            }, $"node {n} sees the two remaining members");
        }
        var took = await group.EventuallyAsync(TakeOverLimit, () => AllAccountsScheduledAsync(group, [1, 2]),
            "the two remaining nodes' wake schedules list every account");
        TestContext.Current.TestOutputHelper?.WriteLine($"accounts re-homed {took.TotalSeconds:0.0} s after node 0 stopped");
        await AssertEveryAccountReadableAsync(group, 1);
        await AssertEveryAccountReadableAsync(group, 2);
    }

    [Fact]
    public async Task When_a_node_is_killed_the_two_survivors_down_it_and_take_its_accounts_over()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, connection) = await postgres.NewDatabaseAsync("crash", ct);
        await using var group = new NodeGroup(connection, 3);
        await FormAndFillAsync(group);

        // The node with the most shards crashes: no leave, no hand-over.
        var stats = await group.RegionStatsAsync(1);
        var victimAddress = stats.Rows.GroupBy(r => r.Node).OrderByDescending(g => g.Count()).First().Key;
        var victim = Enumerable.Range(0, 3).Single(i => group.Address(i) == victimAddress);
        int[] survivors = [.. Enumerable.Range(0, 3).Where(i => i != victim)];
        group.Node(victim).Kill();
        var killed = Stopwatch.StartNew();

        await group.EventuallyAsync(TakeOverLimit, async () =>
        {
            var c = await group.ClusterAsync(survivors[0]);
            return (c.Members.Count == 2 && c.Members.All(m => m.Status == "Up" && m.Reachable), Describe(c));
        }, $"node {victim} (killed) is downed and removed");
        var downed = killed.Elapsed;
        await group.EventuallyAsync(TakeOverLimit - killed.Elapsed, () => AllAccountsScheduledAsync(group, survivors),
            "the survivors' wake schedules list every account");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed node {victim}: removed after {downed.TotalSeconds:0.0} s, all accounts re-homed after {killed.Elapsed.TotalSeconds:0.0} s");
        foreach (var n in survivors) await AssertEveryAccountReadableAsync(group, n);
        var c = await group.ClusterAsync(survivors[1]);
        Assert.Equal(2, c.Members.Count);
    }

    /// <summary>
    /// Starts the three nodes (node 0 seeds), checks that each sees three Up members, sets one RPOP record for each
    /// account through the three nodes in turn, reads every account back through every node, and checks that the
    /// shards are spread over more than one node.
    /// </summary>
    private static async Task FormAndFillAsync(NodeGroup group)
    {
        var started = Stopwatch.StartNew();
        await group.StartAllAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"three nodes up in {started.Elapsed.TotalSeconds:0.0} s");
        for (var n = 0; n < 3; n++)
        {
            var node = n;
            await group.EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
            {
                var c = await group.ClusterAsync(node);
                var up = c.Members.Where(m => m.Status == "Up" && m.Reachable).Select(m => m.Address).ToHashSet();
                return (up.SetEquals(Enumerable.Range(0, 3).Select(group.Address)), Describe(c));
            }, $"node {node} lists three Up members");
        }

        // Nothing is polled: the hosts do not exist.
        await group.RpollOk(1, "module", "set", "processes", "0");
        for (var n = 0; n < 3; n++)
        {
            var node = n;
            await group.RpollScript(node, Enumerable.Range(0, Accounts).Where(i => i % 3 == node).Select(i =>
                $"cgp SETACCOUNTRPOPS {Account(i)} '{{r{i:D2}={{domain=\"{Host(i)}\";authName=u{i:D2};password=\"{Secret(i)}\";leave=YES;period=10m;}};}}'"));
        }
        for (var n = 0; n < 3; n++) await AssertEveryAccountReadableAsync(group, n);

        var stats = await group.RegionStatsAsync(2);
        Assert.Equal(Accounts, stats.Rows.Sum(r => r.Accounts));
        Assert.True(stats.Rows.Select(r => r.Node).Distinct().Count() > 1,
            "the shards are all on one node: " + string.Join(", ", stats.Rows.Select(r => $"{r.Node}/{r.Shard}")));
    }

    /// <summary>Every account's record, with its password (so the node could open what another sealed), through one node.</summary>
    private static async Task AssertEveryAccountReadableAsync(NodeGroup group, int node)
    {
        var output = await group.RpollScript(node, Enumerable.Range(0, Accounts).Select(i => $"cgp GETACCOUNTRPOPS {Account(i)} --with-passwords"));
        var missing = Enumerable.Range(0, Accounts).Where(i => !output.Contains(Host(i), StringComparison.Ordinal) || !output.Contains(Secret(i), StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"via node {node}, not readable: {string.Join(", ", missing.Select(Account))}\n{output}");
    }

    /// <summary>
    /// True when the wake schedules running on <paramref name="nodes"/> list every account: each account is started
    /// there when its next poll comes due (accounts are not remembered), and anything addressed to it starts it at once
    /// (<see cref="AssertEveryAccountReadableAsync"/>).
    /// </summary>
    private static async Task<(bool, string)> AllAccountsScheduledAsync(NodeGroup group, int[] nodes)
    {
        var counts = new List<int>();
        foreach (var n in nodes)
        {
            using var stats = global::System.Text.Json.JsonDocument.Parse(await group.RpollOk(n, "node", "stats", "--json"));
            counts.Add(stats.RootElement.GetProperty("scheduledAccounts").GetInt32());
        }
        return (counts.Sum() == Accounts,
            string.Create(CultureInfo.InvariantCulture, $"accounts scheduled per node: {string.Join(", ", nodes.Zip(counts, (n, c) => $"node {n}: {c}"))}"));
    }

    private static string Describe(Core.Admin.ClusterView c) =>
        $"self {c.SelfAddress}, leader {c.Leader}: " + string.Join(", ", c.Members.Select(m => $"{m.Address} {m.Status}{(m.Reachable ? "" : " unreachable")}"));
}
