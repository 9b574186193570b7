using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>
/// Case (c): A accounts × M messages of 8 KB, Processes = 20 (cluster-wide), on K nodes sharing one PostgreSQL
/// database. Each run loads fresh mailboxes into Dovecot (untimed), imports the A records (delete mode, Poll Every 1h:
/// imported with <c>--first-poll now</c>: a new record polls within 5 s), and times from the start of <c>rpoll rpop import</c> until every message is a file in
/// the nodes' Maildirs (on the disk, fsynced). CPU: all node processes, from /proc, over the same interval.
/// </summary>
internal sealed class ClusterCase(ScaleOptions options, DovecotServer dovecot, Func<string, Task<string?>> database, string root)
{
    private const int Size = 8192;

    public async Task<ClusterRun> RunAsync(int nodes, int run)
    {
        var tag = $"c{nodes}r{run}";
        var accounts = options.ClusterAccounts;
        var total = accounts * options.MessagesPerAccount;
        ScaleCase.Log($"cluster {nodes} nodes, run {run}: loading {accounts} mailboxes of {options.MessagesPerAccount}");
        for (var i = 0; i < accounts; i++)
        {
            var user = $"{tag}u{i:D4}";
            await dovecot.AddUserAsync(user, ScaleCase.MailboxPassword);
            await dovecot.InjectManyAsync(user, Corpus.Messages(user, options.MessagesPerAccount, Size));
        }

        var connection = await database($"cluster_{tag}") ?? throw new InvalidOperationException("the cluster case needs PostgreSQL");
        var keyLine = $"k1 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n";
        // One cluster secret for every node, as README "Running a cluster" says: a token is verified by whichever node's
        // admin API the CLI reaches.
        var secretLine = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
        var ports = FreePorts.Take(nodes);
        var group = new List<ScaleNode>();
        try
        {
            for (var n = 0; n < nodes; n++)
            {
                var data = Directory.CreateDirectory(Path.Combine(root, $"{tag}-node{n}")).FullName;
                var keys = Path.Combine(data, "secrets.keys");
                await File.WriteAllTextAsync(keys, keyLine);
                UnixProcess.SetMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                var secret = Path.Combine(data, "cluster.secret");
                await File.WriteAllTextAsync(secret, secretLine);
                UnixProcess.SetMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                group.Add(await ScaleNode.StartAsync(data, dovecot.CaCertificatePath, connection, seedPort: ports[0], port: ports[n]));
            }
            var first = group[0];
            await first.CliAsync("module", "set", "allow-self-poll", "yes");
            await first.CliAsync("module", "set", "processes", "20");
            await WaitMembersAsync(first, nodes);

            var file = Path.Combine(root, $"{tag}-import.txt");
            var text = new StringBuilder();
            for (var i = 0; i < accounts; i++)
                text.Append(CultureInfo.InvariantCulture,
                    $"{tag}u{i:D4}@cluster.example {{ r = {{ domain = \"127.0.0.1:{dovecot.Pop3Port}\"; authName = {tag}u{i:D4}; password = \"{ScaleCase.MailboxPassword}\"; period = 1h; }}; }}\n");
            await File.WriteAllTextAsync(file, text.ToString());

            var load = ScaleCase.RunLoad();
            var cpu0 = group.Select(g => g.Cpu()).ToArray();
            var started = Stopwatch.GetTimestamp();
            await first.ImportAsync(file, "--first-poll", "now");
            var delivered = 0;
            while ((delivered = group.Sum(g => Delivered(g.Data))) < total)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(20))
                    throw new TimeoutException($"{delivered} of {total} messages delivered after 20 minutes");
                await Task.Delay(200);
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = group.Select((g, i) => g.Cpu() - cpu0[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            var perNode = group.Select(g => Delivered(g.Data)).ToArray();
            ScaleCase.Log($"cluster {nodes} nodes, run {run}: {total} messages in {elapsed.TotalSeconds:0.0} s ({total / elapsed.TotalSeconds:0} msg/s), CPU {cpu.TotalSeconds:0.0} s, per node {string.Join('/', perNode)}");
            return new ClusterRun(nodes, total, elapsed, cpu, perNode, load, ScaleCase.RunLoad());
        }
        finally
        {
            foreach (var g in group) { try { await g.StopAsync(); } catch (TimeoutException) { } await g.DisposeAsync(); }
        }
    }

    private static int Delivered(string data)
    {
        var root = Path.Combine(data, "mail", "cluster.example");
        if (!Directory.Exists(root)) return 0;
        return Directory.EnumerateDirectories(root).Sum(u =>
        {
            var dir = Path.Combine(u, "Maildir", "new");
            return Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Count() : 0;
        });
    }

    private static async Task WaitMembersAsync(ScaleNode node, int count)
    {
        for (var i = 0; i < 120; i++)
        {
            var show = await node.CliAsync("cluster", "show");
            if (show.Split('\n').Count(l => l.Contains(" Up ", StringComparison.Ordinal)) >= count) return;
            await Task.Delay(1000);
        }
        throw new TimeoutException($"the cluster did not reach {count} members");
    }
}

/// <summary>One run of case (c).</summary>
internal sealed record ClusterRun(int Nodes, int Messages, TimeSpan Elapsed, TimeSpan Cpu, int[] PerNode, string LoadStart, string LoadEnd)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    public double CpuPer1000 => Cpu.TotalSeconds * 1000 / Messages;
}
