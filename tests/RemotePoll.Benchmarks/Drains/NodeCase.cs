using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RemotePoll.Benchmarks.Limits;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// End to end through a real node: the built node (same configuration as this runner) on loopback, journaling to
/// SQLite and delivering into its embedded Maildir on the disk; an RPOP record set with the real CLI against
/// Dovecot's POP3S (trusted through the node's --ca-file); <c>rpoll rpop poll ACCOUNT NAME --wait</c> timed from
/// the CLI's start to its exit. CPU is the node's, from /proc; the CLI's own start-up is not counted in it.
/// The node starts on first use and stops with <see cref="DisposeAsync"/>.
/// </summary>
internal sealed partial class NodeCase(BenchContext context) : IAsyncDisposable
{
    public const string Name = "node-rpop-tls";
    public const string RimapName = "node-rimap";
    private const string RecordName = "bench";

    private NodeProcess? _node;
    private string? _data;
    private int _pid;

    public BenchmarkCase Case => new(Name, false,
        "a real node: `rpoll rpop poll ACCOUNT NAME --wait` over POP3S into the node's Maildir, SQLite journal (CLI start-up included)",
        LimitCases.Pop3SyncfsBatch, RunAsync) { AlsoComparedWith = LimitCases.Pop3FsyncBatch };

    public BenchmarkCase RimapCase => new(RimapName, false,
        "a real node: `rpoll rimap poll ACCOUNT NAME --wait` mirroring the 5 folders (IMAP, no TLS) into the node's Maildir, SQLite journal (CLI start-up included)",
        LimitCases.ImapSyncfsBatch, RunRimapAsync) { AlsoComparedWith = LimitCases.ImapFsyncBatch };

    // "RPOP ACCOUNT/NAME: 2000 messages, 16448000 bytes in 8.6 s", the CLI's line for a poll report.
    [GeneratedRegex(@": (?<messages>\d+) messages, (?<bytes>\d+) bytes in (?<seconds>[\d.]+) s")]
    private static partial Regex ReportLine();

    // "RPOLL ACCOUNT/NAME: 2000 messages, 16448000 bytes from HOST", the poller's log line at the end of a poll.
    [GeneratedRegex(@": (?<messages>\d+) messages?, (?<bytes>\d+) bytes? from ")]
    private static partial Regex LogLine();

    private async Task<RunSample> RunAsync(int run, int count, CancellationToken ct)
    {
        await StartAsync();
        var user = $"{Name}-{run}-{count}";
        var account = $"{user}@local.example";
        await context.EnsurePop3MailboxAsync(user, count, ct);
        await CliAsync(BenchContext.Password + "\n", "rpop", "set", account, RecordName, "--user", user, "--password-stdin",
            "--host", $"{context.Dovecot.Host}:{context.Dovecot.Pop3sPort}", "--tls", "yes", "--every", "disabled");

        var cpu = ProcessCpu.Of(_pid);
        var started = Stopwatch.GetTimestamp();
        var poll = await RpollCli.RunAsync(_node!.Port, null, "rpop", "poll", account, RecordName, "--wait");
        var elapsed = Stopwatch.GetElapsedTime(started);
        RunSample sample;
        if (poll.ExitCode == 0 && ReportLine().Match(poll.StandardOutput) is { Success: true } report)
        {
            var nodePoll = TimeSpan.FromSeconds(double.Parse(report.Groups["seconds"].Value, CultureInfo.InvariantCulture));
            sample = new RunSample(elapsed, ProcessCpu.Of(_pid) - cpu, Number(report, "messages"), Number(report, "bytes"),
                new Dictionary<string, TimeSpan> { ["node poll (report)"] = nodePoll, ["CLI + admin round trip"] = elapsed - nodePoll });
        }
        else if (poll.StandardError.Contains("did not answer", StringComparison.Ordinal))
        {
            // The admin API stops waiting for the account after its ask timeout while the poll goes on: time the poll
            // to the poller's own log line instead, and say so.
            var logged = await WaitForLogAsync($"RPOLL {account}/{RecordName}: ", ct);
            elapsed = Stopwatch.GetElapsedTime(started);
            sample = new RunSample(elapsed, ProcessCpu.Of(_pid) - cpu, Number(logged, "messages"), Number(logged, "bytes"),
                new Dictionary<string, TimeSpan>())
            {
                Note = "`--wait` gave up (admin API ask timeout, 20 s) while the poll went on; timed to the node's RPOLL log line",
            };
        }
        else
        {
            throw new InvalidOperationException($"rpoll rpop poll exited with {poll.ExitCode}: {poll.StandardError.Trim()} {poll.StandardOutput.Trim()}");
        }

        if (sample.Messages != count) throw new InvalidOperationException($"the node delivered {sample.Messages} of {count}");
        var inbox = Path.Combine(_data!, "mail", "local.example", user, "Maildir", "new");
        var files = Directory.Exists(inbox) ? Directory.EnumerateFiles(inbox).Count() : 0;
        if (files != count) throw new InvalidOperationException($"{files} files in the node's Maildir, {count} expected");
        return sample;
    }

    private async Task<RunSample> RunRimapAsync(int run, int count, CancellationToken ct)
    {
        await StartAsync();
        var perFolder = Math.Max(1, count / context.Options.Folders);
        var remote = $"rimap{perFolder}";
        await context.EnsureImapFoldersAsync(remote, perFolder, ct);
        // A fresh local account per run: the mirror copies everything once.
        var user = $"{RimapName}-{run}-{count}";
        var account = $"{user}@local.example";
        await CliAsync(BenchContext.Password + "\n", "rimap", "set", account, RecordName, "--user", remote, "--password-stdin",
            "--host", $"{context.Dovecot.Host}:{context.Dovecot.ImapPort}", "--filter", "Folder*", "--every", "disabled");

        var cpu = ProcessCpu.Of(_pid);
        var started = Stopwatch.GetTimestamp();
        var poll = await RpollCli.RunAsync(_node!.Port, null, "rimap", "poll", account, RecordName, "--wait");
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (poll.ExitCode != 0 || ReportLine().Match(poll.StandardOutput) is not { Success: true } report)
            throw new InvalidOperationException($"rpoll rimap poll exited with {poll.ExitCode}: {poll.StandardError.Trim()} {poll.StandardOutput.Trim()}");
        var nodePoll = TimeSpan.FromSeconds(double.Parse(report.Groups["seconds"].Value, CultureInfo.InvariantCulture));
        var sample = new RunSample(elapsed, ProcessCpu.Of(_pid) - cpu, Number(report, "messages"), Number(report, "bytes"),
            new Dictionary<string, TimeSpan> { ["node poll (report)"] = nodePoll, ["CLI + admin round trip"] = elapsed - nodePoll });
        var expected = perFolder * context.Options.Folders;
        if (sample.Messages != expected) throw new InvalidOperationException($"the node mirrored {sample.Messages} of {expected}");
        var maildir = Path.Combine(_data!, "mail", "local.example", user, "Maildir");
        var files = Directory.EnumerateDirectories(maildir, $".{RecordName}.*")
            .Sum(d => Directory.Exists(Path.Combine(d, "cur")) ? Directory.EnumerateFiles(Path.Combine(d, "cur")).Count() : 0);
        if (files != expected) throw new InvalidOperationException($"{files} files in the node's mirror, {expected} expected");
        return sample;
    }

    private async Task<Match> WaitForLogAsync(string prefix, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var line = _node!.Log.Split('\n').FirstOrDefault(l => l.Contains(prefix, StringComparison.Ordinal));
            if (line is not null && LogLine().Match(line) is { Success: true } m) return m;
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"no '{prefix}' line in the node's log within 5 minutes");
            await Task.Delay(20, ct);
        }
    }

    private static int Number(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private async Task StartAsync()
    {
        if (_node is not null) return;
        _data = context.NewFolder("node");
        var port = FreePorts.Take(1)[0];
        _node = await NodeProcess.StartAsync(_data, port, ["--ca-file", context.Dovecot.CaCertificatePath]);
        _pid = ProcessCpu.Find(BuiltPrograms.NodeDll, _data)
            ?? throw new InvalidOperationException("the node process was not found in /proc");
        await CliAsync(null, "module", "set", "allow-self-poll", "yes");
    }

    private async Task<string> CliAsync(string? stdin, params string[] args)
    {
        var r = await RpollCli.RunAsync(_node!.Port, stdin, args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"rpoll {string.Join(' ', args)} exited with {r.ExitCode}: {r.StandardError.Trim()} {r.StandardOutput.Trim()}");
        return r.StandardOutput;
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        if (_data is not null) BenchContext.DeleteFolder(_data);
    }
}
