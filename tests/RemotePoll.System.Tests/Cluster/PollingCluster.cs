using System.Diagnostics;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// One three-node cluster on PostgreSQL beside one test Dovecot, shared by the tests of a class. The nodes trust
/// Dovecot's certificate and deliver records without Mailbox over LMTP into Dovecot, so an account's local store is one
/// place whichever node polled it (account <c>name@DOMAIN</c> lands in Dovecot user <c>name</c>). Dovecot IMAP, as the
/// master user, is the nodes' store: through it a node checks what a poll interrupted by a crash had delivered.
/// </summary>
public sealed class PollingCluster(PostgresFixture postgres) : IAsyncLifetime
{
    private NodeGroup? _group;

    public DovecotServer Dovecot { get; private set; } = null!;
    internal NodeGroup Group => _group ?? throw new InvalidOperationException("the cluster has not started");
    public TimeSpan StartTime { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        Dovecot = await DovecotServer.StartAsync();
        var (_, connection) = await postgres.NewDatabaseAsync("polling");
        _group = new NodeGroup(connection, 3, "--ca-file", Dovecot.CaCertificatePath, "--deliver", $"lmtp://127.0.0.1:{Dovecot.LmtpPort}",
            "--store", $"imap://127.0.0.1:{Dovecot.ImapPort}")
        {
            Environment = new Dictionary<string, string> { ["RPOLL_STORE_USER"] = Dovecot.MasterUser, ["RPOLL_STORE_PASSWORD"] = Dovecot.MasterPassword },
        };
        await _group.StartAllAsync();
        for (var n = 0; n < 3; n++) await WaitForThreeMembersAsync(n);
        StartTime = started.Elapsed;
    }

    /// <summary>Waits until node <paramref name="node"/> lists the three nodes as Up and reachable.</summary>
    public Task WaitForThreeMembersAsync(int node) => Group.EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
    {
        var c = await Group.ClusterAsync(node);
        var up = c.Members.Where(m => m.Status == "Up" && m.Reachable).Select(m => m.Address).ToHashSet();
        return (up.SetEquals(Enumerable.Range(0, 3).Select(Group.Address)), string.Join(", ", c.Members.Select(m => $"{m.Address} {m.Status}")));
    }, $"node {node} lists three Up members");

    /// <summary>Sets module settings (KEY VALUE pairs) through node 0, then waits until every node has them.</summary>
    /// <summary><c>module set</c> answers once every node holds the change (a warning, on stderr, would fail the script).</summary>
    public Task SetModuleAsync(params (string Key, string Value)[] settings) =>
        Group.RpollScript(0, settings.Select(s => $"module set {s.Key} {s.Value}"));

    public async ValueTask DisposeAsync()
    {
        if (_group is not null) await _group.DisposeAsync();
        if (Dovecot is not null) await Dovecot.DisposeAsync();
    }
}
