using System.Diagnostics;
using System.Text.Json;
using RemotePoll.Testing.Net;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Cluster formation without seeds: three node processes on loopback started with <c>--bootstrap config</c>, each
/// serving Akka.Management on its own port and given the three management endpoints. Without the bootstrap each
/// would form a one-node cluster of its own (no --seed means "seed yourself"); with it they form one cluster.
/// Each node keeps its own SQLite file: formation needs no shared database.
/// </summary>
public sealed class BootstrapClusterTests
{
    [Fact]
    public async Task Three_nodes_without_seeds_find_each_other_through_config_discovery_and_form_one_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        var management = FreePorts.Take(3);
        string[] endpoints = [.. management.SelectMany(p => (string[])["--bootstrap-endpoint", $"127.0.0.1:{p}"])];
        await using var group = new NodeGroup(null, 3)
        {
            Join = i => ["--bootstrap", "config", "--management", $"127.0.0.1:{management[i]}", "--bootstrap-required", "3", .. endpoints],
        };
        var started = Stopwatch.StartNew();
        await group.StartTogetherAsync();

        string[] all = [.. Enumerable.Range(0, 3).Select(group.Address).Order()];
        foreach (var n in Enumerable.Range(0, 3))
        {
            await group.EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
            {
                var c = await group.ClusterAsync(n);
                var members = c.Members.Select(m => m.Address).Order().ToArray();
                return (members.SequenceEqual(all) && c.Members.All(m => m.Status == "Up" && m.Reachable),
                    string.Join(", ", c.Members.Select(m => $"{m.Address} {m.Status}")));
            }, $"node {n} sees all three members Up");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"three nodes formed one cluster {started.Elapsed.TotalSeconds:0.0} s after start");

        // The text form an operator reads lists every member.
        var text = await group.RpollOk(2, "cluster", "show");
        foreach (var address in all) Assert.Contains(address, text);

        // Each node's management endpoint answers the bootstrap's own question with the cluster's members.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var port in management)
        {
            var body = await http.GetStringAsync($"http://127.0.0.1:{port}/bootstrap/seed-nodes", ct);
            using var seeds = JsonDocument.Parse(body);
            var ports = seeds.RootElement.GetProperty("Nodes").EnumerateArray().Select(n => n.GetProperty("Node").GetProperty("Port").GetInt32());
            Assert.Equal(group.Ports.Order(), ports.Order());
        }
    }
}
