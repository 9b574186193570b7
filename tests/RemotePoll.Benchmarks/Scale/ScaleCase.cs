using System.Diagnostics;
using System.Globalization;
using System.Text;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>
/// Cases (e) and (f): N accounts with one RPOP record each on one node, against one empty Dovecot mailbox.
/// <list type="number">
/// <item>Start a fresh node (SQLite, or a fresh PostgreSQL database); Processes 0 (nothing polls yet); RSS "empty".</item>
/// <item><c>rpoll rpop import FILE</c> of N lines, Poll Every P = N / poll-rate (at least 60 s), so that the node has
/// to start poll-rate polls per second at steady state. Wait until <c>node stats</c> counts N pollers.</item>
/// <item>Settle 10 s, RSS "idle": memory per idle record = (idle − empty) / N.</item>
/// <item>Processes 20, stop the node (SIGTERM) and start it again. Recovery time: from starting the process until
/// <c>node stats</c> counts N scheduled accounts: the shards' wake schedules are recovered and every account's next
/// wake is set (accounts themselves start when their polls come due, so the pollers running at that moment and at the
/// end of the window are given too); read every second, so ±1 s plus one CLI start.</item>
/// <item>Lateness: the node's own histograms since the restart, read <see cref="ScaleOptions.Window"/> after the
/// recovery: timer (the poll's timer fired vs when it was due) and start (the poll got its Processes permit and
/// connects vs when it was due). All scheduled polls since the restart are in it, the ones due during recovery too.</item>
/// </list>
/// </summary>
internal sealed class ScaleCase(ScaleOptions options, DovecotServer dovecot, Func<string, Task<string?>> database, string root)
{
    public const string MailboxUser = "empty";
    public const string MailboxPassword = "scale-secret";

    public async Task<ScaleFigures> RunAsync(int accounts, string db)
    {
        var data = Directory.CreateDirectory(Path.Combine(root, $"scale-{db}-{accounts}")).FullName;
        var connection = await database($"scale_{accounts}");
        var period = TimeSpan.FromSeconds(Math.Max(60, (int)Math.Ceiling(accounts / options.PollRate)));
        var load = RunLoad();
        await using var node = await ScaleNode.StartAsync(data, dovecot.CaCertificatePath, connection);
        await node.CliAsync("module", "set", "allow-self-poll", "yes");
        await node.CliAsync("module", "set", "processes", "0");
        await Task.Delay(TimeSpan.FromSeconds(5));
        GcNote(node);
        var rssEmpty = node.Rss();

        var file = Path.Combine(data, "import.txt");
        await File.WriteAllTextAsync(file, ImportFile(accounts, period));
        Log($"{db} {accounts}: importing {accounts} records, every {period.TotalSeconds:0}s");
        var import = await node.ImportAsync(file);
        var created = await WaitForAsync(node, accounts, s => s.Pollers, "pollers", TimeSpan.FromMinutes(10));
        Log($"{db} {accounts}: import {import.TotalSeconds:0.0} s, {accounts} pollers after {created.TotalSeconds:0.0} s more");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var rssIdle = node.Rss();
        var heapIdle = (await node.StatsAsync()).ManagedHeap;

        await node.CliAsync("module", "set", "processes", "20");
        var stopping = Stopwatch.GetTimestamp();
        await node.StopAsync();
        var stop = Stopwatch.GetElapsedTime(stopping);
        var starting = Stopwatch.GetTimestamp();
        await node.RestartAsync();
        var ready = Stopwatch.GetElapsedTime(starting);
        var cpu0 = node.Cpu();
        await WaitForAsync(node, accounts, s => s.Scheduled, "scheduled accounts", TimeSpan.FromMinutes(30));
        var recovery = Stopwatch.GetElapsedTime(starting);
        var rssRecovered = node.Rss();
        var atRecovery = await node.StatsAsync();
        Log($"{db} {accounts}: stop {stop.TotalSeconds:0.0} s, admin API up {ready.TotalSeconds:0.0} s, all {accounts} accounts scheduled {recovery.TotalSeconds:0.0} s after the start, {atRecovery.Pollers} running");
        await Task.Delay(options.Window);
        var stats = await node.StatsAsync();
        var steady = stats with
        {
            Started = stats.Started - atRecovery.Started,
            Timer = StatsReading.Minus(stats.Timer, atRecovery.Timer),
            Start = StatsReading.Minus(stats.Start, atRecovery.Start),
        };
        var windowCpu = node.Cpu() - cpu0;
        var windowEnd = Stopwatch.GetElapsedTime(starting);
        var rssEnd = node.Rss();
        Log($"{db} {accounts}: {stats.Started} scheduled polls started in {windowEnd.TotalSeconds:0} s since the start; timer lateness p50 {stats.Quantile(stats.Timer, 0.5)} p99 {stats.Quantile(stats.Timer, 0.99)}; start lateness p50 {stats.Quantile(stats.Start, 0.5)} p99 {stats.Quantile(stats.Start, 0.99)}; after the recovery {steady.Started} polls, p50 {steady.Quantile(steady.Start, 0.5)} p99 {steady.Quantile(steady.Start, 0.99)}");
        await node.StopAsync();
        return new ScaleFigures(db, accounts, period, import, rssEmpty, rssIdle, heapIdle, rssRecovered, rssEnd, stop, ready, recovery,
            windowEnd, stats, steady, windowCpu, load, RunLoad(), atRecovery.Pollers);
    }

    /// <summary>One line per account, all polling the same empty mailbox on Dovecot's plain POP3 port.</summary>
    private string ImportFile(int accounts, TimeSpan period)
    {
        var text = new StringBuilder(accounts * 140);
        var every = period.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s";
        for (var i = 0; i < accounts; i++)
            text.Append(CultureInfo.InvariantCulture,
                $"u{i:D6}@scale.example {{ r = {{ domain = \"127.0.0.1:{dovecot.Pop3Port}\"; authName = {MailboxUser}; password = \"{MailboxPassword}\"; leave = YES; period = {every}; }}; }}\n");
        return text.ToString();
    }

    private static async Task<TimeSpan> WaitForAsync(ScaleNode node, int count, Func<StatsReading, int> read, string what, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var seen = 0;
            try { seen = read(await node.StatsAsync()); }
            catch (InvalidOperationException) { } // the admin API did not answer in time: the node is busy recovering
            if (seen >= count) return Stopwatch.GetElapsedTime(started);
            if (Stopwatch.GetElapsedTime(started) > limit) throw new TimeoutException($"{seen} of {count} {what} after {limit}");
            await Task.Delay(1000);
        }
    }

    private static void GcNote(ScaleNode node) => Log($"node pid {node.Pid}, RSS {node.Rss() / 1048576.0:0} MiB");

    public static string RunLoad() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static void Log(string text) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {text}");
}

/// <summary>What one scale run measured.</summary>
internal sealed record ScaleFigures(string Db, int Accounts, TimeSpan Period, TimeSpan Import, long RssEmpty, long RssIdle, long HeapIdle,
    long RssRecovered, long RssEnd, TimeSpan Stop, TimeSpan AdminUp, TimeSpan Recovery, TimeSpan WindowEnd, StatsReading Stats,
    StatsReading Steady, TimeSpan WindowCpu, string LoadStart, string LoadEnd, int PollersAtRecovery)
{
    public double BytesPerIdleRecord => (double)(RssIdle - RssEmpty) / Accounts;
}
