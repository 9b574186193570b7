using System.Security.Cryptography;
using System.Text.Json;
using RemotePoll.Core.Admin;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Node processes on loopback that share one PostgreSQL database, one key file (every node of a cluster needs the
/// same <c>secrets.keys</c>, or one cannot open the passwords another sealed) and one <c>cluster.secret</c> (so a token
/// any node accepts is accepted by all). Node 0 seeds; every node is given its address as the seed.
/// </summary>
internal sealed class NodeGroup : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private readonly string _root = Directory.CreateTempSubdirectory("rpoll-cluster-").FullName;
    private readonly string _keyLine = $"k1 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n";
    private readonly string _clusterSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
    private readonly NodeProcess?[] _nodes;
    private readonly string[] _nodeArgs;

    /// <param name="nodeArgs">Options every node gets besides --db and --seed (--ca-file, --deliver...).</param>
    /// <param name="database">The shared PostgreSQL database; null: each node its own SQLite file (enough for formation).</param>
    public NodeGroup(string? database, int size, params string[] nodeArgs)
    {
        Database = database;
        _nodeArgs = nodeArgs;
        Ports = FreePorts.Take(size);
        _nodes = new NodeProcess?[size];
    }

    public string? Database { get; }
    /// <summary>How node i finds the cluster; null: --seed node 0.</summary>
    public Func<int, string[]>? Join { get; init; }
    /// <summary>Environment variables every node gets (RPOLL_STORE_USER...).</summary>
    public IDictionary<string, string>? Environment { get; init; }
    public int[] Ports { get; }
    public NodeProcess Node(int i) => _nodes[i] ?? throw new InvalidOperationException($"node {i} is not running");
    public string Address(int i) => $"akka.tcp://remotepoll@127.0.0.1:{Ports[i]}";
    public string DataDir(int i) => Path.Combine(_root, $"node{i}");

    /// <summary>Starts node 0, then the others side by side; returns when each one's admin API answers.</summary>
    public async Task StartAllAsync()
    {
        await StartAsync(0);
        await Task.WhenAll(Enumerable.Range(1, _nodes.Length - 1).Select(StartAsync));
    }

    /// <summary>Starts every node at once (none is ready before the cluster has formed, e.g. by bootstrap).</summary>
    public Task StartTogetherAsync() => Task.WhenAll(Enumerable.Range(0, _nodes.Length).Select(StartAsync));

    public async Task StartAsync(int i)
    {
        var data = DataDir(i);
        Directory.CreateDirectory(data);
        await WriteOwnerOnlyOnceAsync(Path.Combine(data, "secrets.keys"), _keyLine);
        await WriteOwnerOnlyOnceAsync(Path.Combine(data, "cluster.secret"), _clusterSecret);
        _nodes[i] = await NodeProcess.StartAsync(data, Ports[i], [
            .. Database is null ? [] : (string[])["--db", Database],
            .. Join?.Invoke(i) ?? ["--seed", $"127.0.0.1:{Ports[0]}"], .. _nodeArgs], Environment);
    }

    private static async Task WriteOwnerOnlyOnceAsync(string path, string text)
    {
        if (File.Exists(path)) return;
        await File.WriteAllTextAsync(path, text);
        UnixProcess.SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public Task<CommandResult> Rpoll(int node, string? stdin, params string[] args) => RpollCli.RunAsync(Ports[node], stdin, args);

    /// <summary>Runs <paramref name="args"/> through node <paramref name="node"/> and fails the test unless it exits 0.</summary>
    public async Task<string> RpollOk(int node, params string[] args)
    {
        var r = await Rpoll(node, null, args);
        Assert.True(r.ExitCode == 0, $"rpoll {string.Join(' ', args)} via node {node}: exit {r.ExitCode}: {r.StandardError}");
        return r.StandardOutput;
    }

    /// <summary>Several commands in one CLI process (its interactive prompt reads them from standard input).</summary>
    public async Task<string> RpollScript(int node, IEnumerable<string> lines)
    {
        var r = await Rpoll(node, string.Join('\n', lines) + "\nexit\n");
        Assert.True(r.ExitCode == 0 && r.StandardError.Length == 0, $"rpoll script via node {node}: exit {r.ExitCode}: {r.StandardError}\n{Logs()}");
        return r.StandardOutput;
    }

    public async Task<ClusterView> ClusterAsync(int node) =>
        JsonSerializer.Deserialize<ClusterView>(await RpollOk(node, "cluster", "show", "--json"), Json)!;

    /// <summary>Waits until node <paramref name="node"/> lists exactly <paramref name="members"/> as Up and reachable.</summary>
    public Task WaitForMembersAsync(int node, int[] members) => EventuallyAsync(TimeSpan.FromSeconds(90), async () =>
    {
        var c = await ClusterAsync(node);
        var up = c.Members.Where(m => m.Status == "Up" && m.Reachable).Select(m => m.Address).ToHashSet();
        return (up.SetEquals(members.Select(Address)) && c.Members.Count == members.Length, string.Join(", ", c.Members.Select(m => $"{m.Address} {m.Status}")));
    }, $"node {node} lists nodes {string.Join(", ", members)} as Up");

    public async Task<RegionStatsView> RegionStatsAsync(int node) =>
        JsonSerializer.Deserialize<RegionStatsView>(await RpollOk(node, "cluster-sharding", "region-stats", "--json"), Json)!;

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the last state and the nodes' logs.</summary>
    public async Task<TimeSpan> EventuallyAsync(TimeSpan timeout, Func<Task<(bool Ok, string State)>> condition, string what)
    {
        var started = DateTime.UtcNow;
        var last = "";
        while (DateTime.UtcNow - started < timeout)
        {
            try
            {
                var (ok, state) = await condition();
                if (ok) return DateTime.UtcNow - started;
                last = state;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                last = ex.Message;
            }
            await Task.Delay(1000);
        }
        Assert.Fail($"{what}: not within {timeout}; last: {last}\n{Logs()}");
        return default;
    }

    /// <summary>The tail of every node's log, for failure messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select((n, i) => n is null ? "" :
        $"--- node {i} (port {Ports[i]}{(n.HasExited ? $", exited {n.ExitCode}" : "")}) ---\n{Tail(n.Log, 60)}"));

    private static string Tail(string log, int lines) => string.Join('\n', log.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        // Stop the others before node 0 so that nobody waits on a vanished seed.
        await Task.WhenAll(_nodes.Skip(1).Where(n => n is not null).Select(n => n!.DisposeAsync().AsTask()));
        if (_nodes[0] is { } first) await first.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
