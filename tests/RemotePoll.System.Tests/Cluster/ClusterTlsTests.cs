using System.Text.RegularExpressions;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Postgres;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Cluster transport TLS on loopback with self-signed certificates made by openssl: two nodes with the cluster
/// certificate (one given on the command line as PEM, one in HOCON as PKCS#12) form one cluster over akka.ssl.tcp and
/// rpoll with the certificate reaches the admin API; a node with another certificate cannot join, and rpoll without
/// the certificate, or with the other one, cannot reach the admin API.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTlsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rpoll-cluster-tls-").FullName;
    private readonly List<NodeProcess> _nodes = [];
    private const int Unreachable = 3; // rpoll: the cluster did not answer
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PathOf(string file) => Path.Combine(_dir, file);

    private Dictionary<string, string> Env(string name) => new()
    {
        ["RPOLL_TLS_CERT"] = PathOf(name + ".pem"),
        ["RPOLL_TLS_KEY"] = PathOf(name + ".key"),
        ["RPOLL_TLS_CA"] = PathOf(name + ".pem"),
    };

    private async Task SelfSignedAsync(string name) =>
        await ExternalCommand.RunCheckedAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", $"/CN={name}", "-keyout", PathOf(name + ".key"), "-out", PathOf(name + ".pem")], cancellationToken: Ct);

    private async Task<NodeProcess> StartAsync(string name, int port, string[] args, Dictionary<string, string> env, bool wait)
    {
        var node = await NodeProcess.StartAsync(Directory.CreateDirectory(PathOf(name)).FullName, port, args, env, TimeSpan.FromSeconds(120), wait);
        _nodes.Add(node);
        return node;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var n in _nodes) await n.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Nodes_with_the_cluster_certificate_form_a_cluster_and_nothing_else_joins_or_reaches_the_admin_API()
    {
        await SelfSignedAsync("cluster");
        await SelfSignedAsync("intruder");
        await ExternalCommand.RunCheckedAsync("openssl", ["pkcs12", "-export", "-in", PathOf("cluster.pem"), "-inkey", PathOf("cluster.key"),
            "-out", PathOf("cluster.pfx"), "-passout", "pass:pfx-Pw-1"], cancellationToken: Ct);
        await File.WriteAllTextAsync(PathOf("tls.conf"),
            $"remotepoll.cluster-tls {{ certificate = \"{PathOf("cluster.pfx")}\", ca-file = \"{PathOf("cluster.pem")}\" }}", Ct);
        var (_, db) = await postgres.NewDatabaseAsync("tls", Ct);
        var ports = FreePorts.Take(3);
        var cluster = Env("cluster");

        var a = await StartAsync("a", ports[0], ["--db", db, "--seed", $"127.0.0.1:{ports[0]}"], cluster, wait: true);
        // Node b has its certificate from HOCON (PKCS#12, password from the environment), not from RPOLL_TLS_*.
        var b = await StartAsync("b", ports[1], ["--db", db, "--seed", $"127.0.0.1:{ports[0]}", "--config", PathOf("tls.conf")],
            new() { ["RPOLL_TLS_PASSWORD"] = "pfx-Pw-1" }, wait: false);
        await EventuallyAsync(TimeSpan.FromSeconds(120), async () =>
        {
            var show = await RpollCli.RunWithEnvironmentAsync(ports[1], null, cluster, "cluster", "show");
            return (Regex.Matches(show.StandardOutput, @"akka\.ssl\.tcp://remotepoll@127\.0\.0\.1:\d+\s+Up\s+yes").Count == 2, show.StandardOutput + show.StandardError);
        }, "two members Up over akka.ssl.tcp, seen through node b");
        Assert.Contains("Cluster transport: TLS", a.Log);

        // An intruder node with its own certificate (trusting only itself) is refused by the cluster, both ways.
        var intruder = await StartAsync("c", ports[2], ["--db", db, "--seed", $"127.0.0.1:{ports[0]}"], Env("intruder"), wait: false);
        var noCertificate = RpollCli.RunAsync(ports[0], null, "module", "show");
        var wrongCertificate = RpollCli.RunWithEnvironmentAsync(ports[0], null, Env("intruder"), "module", "show");
        Assert.Equal(Unreachable, (await noCertificate).ExitCode);
        Assert.Equal(Unreachable, (await wrongCertificate).ExitCode);
        // Akka.Remote stops a system whose outbound TLS handshake fails (exit 79); either way it is no member.
        Assert.Contains("TLS handshake failed", intruder.Log);
        var members = await RpollCli.RunWithEnvironmentAsync(ports[0], null, cluster, "cluster", "show");
        Assert.Equal(0, members.ExitCode);
        Assert.DoesNotContain($":{ports[2]}", members.StandardOutput);
        Assert.Equal(2, Regex.Matches(members.StandardOutput, @"\s+Up\s+").Count);
        Assert.Contains("does not chain to the cluster CA file", a.Log + b.Log + intruder.Log);

        // With the certificate, rpoll works through either node.
        var set = await RpollCli.RunWithEnvironmentAsync(ports[0], null, cluster, "module", "set", "processes", "7");
        Assert.True(set.ExitCode == 0, set.StandardError);
        Assert.Matches(@"processes\s+7", (await RpollCli.RunWithEnvironmentAsync(ports[1], null, cluster, "module", "show")).StandardOutput);
    }

    private static async Task EventuallyAsync(TimeSpan limit, Func<Task<(bool Ok, string Seen)>> check, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var (ok, seen) = await check();
            if (ok) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {limit} for {what}; last seen:\n{seen}");
            await Task.Delay(1000, Ct);
        }
    }
}
