using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RemotePoll.Testing;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// Issue 20 on three node processes sharing PostgreSQL: each RIMAP push record reaches the test Dovecot through its own
/// <see cref="TcpProxy"/>, which marks a session as a held push connection from its first IDLE (clear text here, so the
/// proxy can see it). The node holding push connections is killed (SIGKILL); its records' accounts come up on the
/// survivors and hold their connections again within the fail-over time. Sampled all along: never two held sessions for
/// one record, never more held sessions than push-connections.
/// </summary>
[Integration]
[Collection(PostgresCollection.Name)]
public sealed class RimapPushFailoverTests(PostgresFixture postgres)
{
    private const int Records = 3;
    private static readonly TimeSpan FailOverLimit = TimeSpan.FromSeconds(60);
    private static readonly byte[] Idle = Encoding.ASCII.GetBytes(" IDLE\r\n");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Account(int i) => $"push{i}@example.com";
    private static string User(int i) => $"push{i}";

    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static byte[] Message(string tag) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: b@example.net\r\nSubject: {tag}\r\nMessage-ID: <{tag}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody.\r\n");

    [Fact]
    public async Task Killing_the_node_that_holds_push_connections_moves_them_to_the_survivors_and_never_holds_one_twice()
    {
        await using var dovecot = await DovecotServer.StartAsync(cancellationToken: Ct);
        var proxies = new TcpProxy[Records];
        for (var i = 0; i < Records; i++)
        {
            proxies[i] = TcpProxy.Start(dovecot.Host, dovecot.ImapPort);
            proxies[i].ClientMarker = Idle;
            await dovecot.AddUserAsync(User(i), "pw", Ct);
        }
        try
        {
            var (_, connection) = await postgres.NewDatabaseAsync("pushkill", Ct);
            await using var group = new NodeGroup(connection, 3);
            await group.StartAllAsync();
            for (var n = 0; n < 3; n++) await group.WaitForMembersAsync(n, [0, 1, 2]);
            await group.RpollScript(0, ["module set allow-self-poll yes", $"module set push-connections {Records}"]);

            // Held sessions, counted at the proxies every 20 ms until the end.
            using var stopSampling = new CancellationTokenSource();
            var mostHeld = 0;
            var sampler = Task.Run(async () =>
            {
                while (!stopSampling.IsCancellationRequested)
                {
                    mostHeld = Math.Max(mostHeld, proxies.Sum(p => p.ActiveMarked));
                    await Task.Delay(20, CancellationToken.None);
                }
            }, CancellationToken.None);

            for (var i = 0; i < Records; i++)
            {
                var set = await group.Rpoll(i % 3, "pw\n", "rimap", "set", Account(i), "box", "--host", $"127.0.0.1:{proxies[i].Port}", "--user", User(i),
                    "--password-stdin", "--security", "none", "--auth", "normal", "--every", "30m", "--push", "yes");
                Assert.True(set.ExitCode == 0, set.StandardError);
            }
            await group.EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
            {
                var held = await HeldPerNodeAsync(group, [0, 1, 2]);
                return (proxies.All(p => p.ActiveMarked == 1) && held.Values.Sum() == Records, Describe(proxies, held));
            }, "every record holds its push connection");
            var before = await HeldPerNodeAsync(group, [0, 1, 2]);
            var victim = before.MaxBy(h => h.Value).Key;
            int[] survivors = [.. Enumerable.Range(0, 3).Where(n => n != victim)];
            Note($"before the kill: {Describe(proxies, before)}; killing node {victim}");

            group.Node(victim).Kill();
            var killed = Stopwatch.StartNew();
            await group.EventuallyAsync(FailOverLimit, async () =>
            {
                var held = await HeldPerNodeAsync(group, survivors);
                return (proxies.All(p => p.ActiveMarked == 1) && held.Values.Sum() == Records, Describe(proxies, held));
            }, $"the survivors hold every record's push connection again after node {victim} was killed");
            Note($"node {victim} killed: every push connection held again after {killed.Elapsed.TotalSeconds:0.0} s " +
                 $"({Describe(proxies, await HeldPerNodeAsync(group, survivors))})");

            // Push works from the survivors: new mail of each record is mirrored at once, far below Poll Every (into the survivor's own store).
            for (var i = 0; i < Records; i++)
            {
                var record = i;
                var sent = Stopwatch.StartNew();
                await dovecot.InjectAsync(User(record), Message($"after-{record}"), cancellationToken: Ct);
                await group.EventuallyAsync(TimeSpan.FromSeconds(30), () => Task.FromResult((Mirrored(group, survivors, record) == 1, $"record {record}: none yet")),
                    $"record {record}'s new mail mirrored by push on a survivor");
                Note($"record {record}: mirrored {sent.Elapsed.TotalMilliseconds:0} ms after its arrival");
            }

            stopSampling.Cancel();
            await sampler;
            for (var i = 0; i < Records; i++)
                Assert.True(proxies[i].PeakMarked == 1, $"record {i}: {proxies[i].PeakMarked} push sessions held at once");
            Assert.True(mostHeld <= Records, $"{mostHeld} push sessions held at once with push-connections {Records}");
        }
        finally
        {
            foreach (var p in proxies) await p.DisposeAsync();
        }
    }

    /// <summary>Messages of record <paramref name="record"/> mirrored into the local stores of <paramref name="nodes"/>.</summary>
    private static int Mirrored(NodeGroup group, int[] nodes, int record) => nodes
        .Select(n => Path.Combine(group.DataDir(n), "mail", "example.com", User(record), "Maildir", ".box.INBOX"))
        .SelectMany(dir => new[] { "new", "cur" }.Select(d => Path.Combine(dir, d)))
        .Where(Directory.Exists).Sum(d => Directory.GetFiles(d).Length);

    private static async Task<Dictionary<int, int>> HeldPerNodeAsync(NodeGroup group, int[] nodes)
    {
        var held = new Dictionary<int, int>();
        foreach (var n in nodes)
        {
            using var stats = JsonDocument.Parse(await group.RpollOk(n, "node", "stats", "--json"));
            held[n] = stats.RootElement.GetProperty("pushHeld").GetInt32();
        }
        return held;
    }

    private static string Describe(TcpProxy[] proxies, Dictionary<int, int> held) =>
        $"held at the proxies {string.Join(", ", proxies.Select(p => p.ActiveMarked))}; " +
        $"held per node {string.Join(", ", held.Select(h => $"node {h.Key}: {h.Value}"))}";

}
