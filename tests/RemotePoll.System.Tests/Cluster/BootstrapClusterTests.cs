using System.Diagnostics;
using System.Text.Json;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

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

    [Theory]
    [InlineData("--bootstrap", "dns", "--bootstrap: 'dns' is not config or kubernetes")]
    [InlineData("--bootstrap", "config", "--bootstrap-endpoint: bootstrap config needs")]
    [InlineData("--bootstrap", "kubernetes", "--seed: not with --bootstrap", "--seed", "127.0.0.1:4053")]
    [InlineData("--bootstrap", "config", "--bootstrap-required: '0' is not a number of 1 or more", "--bootstrap-endpoint", "127.0.0.1:8558", "--bootstrap-required", "0")]
    [InlineData("--bootstrap", "config", "--management: 'localhost' is not HOST:PORT", "--management", "localhost", "--bootstrap-endpoint", "127.0.0.1:8558")]
    public async Task A_bootstrap_misconfiguration_stops_the_node_with_the_option_and_the_reason(string option, string mode, string error, params string[] more)
    {
        var data = Directory.CreateTempSubdirectory("rpoll-bootstrap-").FullName;
        CommandResult r;
        try
        {
            r = await ExternalCommand.RunAsync("dotnet", [BuiltPrograms.NodeDll, "--data", data, "--port", "1", option, mode, .. more],
                TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        finally { Directory.Delete(data, recursive: true); }
        Assert.True(r.ExitCode == 2 && r.StandardError.Contains(error, StringComparison.Ordinal), $"exit {r.ExitCode}: {r.StandardError}");
    }
}
