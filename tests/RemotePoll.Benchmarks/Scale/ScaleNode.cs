using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RemotePoll.Benchmarks.Drains;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>
/// A real node process for the scale and cluster cases: SQLite in its data folder or a PostgreSQL database, its pid
/// for /proc (RSS, CPU), and the CLI commands the cases need (<c>node stats --json</c>, <c>rpop import FILE</c>).
/// </summary>
internal sealed class ScaleNode : IAsyncDisposable
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(30);
    private readonly string[] _args;

    private ScaleNode(string data, int port, string[] args)
    {
        Data = data;
        Port = port;
        _args = args;
    }

    public string Data { get; }
    public int Port { get; }
    public NodeProcess? Process { get; private set; }
    public int Pid { get; private set; }

    /// <summary>Starts a node; <paramref name="database"/> null means SQLite in <paramref name="data"/>.</summary>
    public static async Task<ScaleNode> StartAsync(string data, string caFile, string? database, int? seedPort = null, int? port = null)
    {
        var p = port ?? FreePorts.Take(1)[0];
        string[] args = ["--ca-file", caFile, .. database is null ? [] : new[] { "--db", database },
            .. seedPort is { } s ? new[] { "--seed", $"127.0.0.1:{s}" } : []];
        var node = new ScaleNode(data, p, args);
        await node.RestartAsync();
        return node;
    }

    /// <summary>Starts the process (again); returns when the admin API answers.</summary>
    public async Task RestartAsync(TimeSpan? readyTimeout = null)
    {
        Process = await NodeProcess.StartAsync(Data, Port, _args, readyTimeout: readyTimeout ?? TimeSpan.FromMinutes(10));
        Pid = ProcessCpu.Find(BuiltPrograms.NodeDll, Data) ?? throw new InvalidOperationException("the node process was not found in /proc");
    }

    public async Task StopAsync()
    {
        if (Process is null) return;
        await Process.StopAsync(TimeSpan.FromMinutes(5));
        await Process.DisposeAsync();
        Process = null;
    }

    /// <summary>Resident set size from /proc/PID/status (VmRSS), in bytes.</summary>
    public long Rss()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public TimeSpan Cpu() => ProcessCpu.Of(Pid);

    public async Task<string> CliAsync(params string[] args)
    {
        var r = await RpollCli.RunAsync(Port, null, args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"rpoll {string.Join(' ', args)} exited with {r.ExitCode}: {r.StandardError.Trim()} {r.StandardOutput.Trim()}");
        return r.StandardOutput;
    }

    public async Task<StatsReading> StatsAsync()
    {
        using var doc = JsonDocument.Parse(await CliAsync("node", "stats", "--json"));
        var root = doc.RootElement;
        long[] Counts(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();
        return new StatsReading(root.GetProperty("pollers").GetInt32(), root.GetProperty("scheduledPollsStarted").GetInt64(),
            root.GetProperty("latenessBoundsMs").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            Counts("timerLatenessCounts"), Counts("startLatenessCounts"), root.GetProperty("managedHeapBytes").GetInt64(),
            root.TryGetProperty("scheduledAccounts", out var scheduled) ? scheduled.GetInt32() : 0);
    }

    /// <summary><c>rpoll rpop import FILE</c>, timed; its own process so that a long import is not cut at the test CLI's limit.</summary>
    public async Task<TimeSpan> ImportAsync(string file, params string[] options)
    {
        var started = Stopwatch.GetTimestamp();
        string[] token = NodeTokens.For(Port) is { } t ? ["--token", t] : [];
        var r = await ExternalCommand.RunAsync("dotnet", [BuiltPrograms.CliDll, $"127.0.0.1:{Port}", .. token, "rpop", "import", file, .. options], timeout: ImportTimeout);
        if (r.ExitCode != 0) throw new InvalidOperationException($"rpop import exited with {r.ExitCode}: {r.StandardError.Trim()[..Math.Min(2000, r.StandardError.Trim().Length)]}");
        return Stopwatch.GetElapsedTime(started);
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
    }
}

/// <summary>One reading of <c>rpoll node stats</c>; subtract two to see an interval.</summary>
internal sealed record StatsReading(int Pollers, long Started, double[] BoundsMs, long[] Timer, long[] Start, long ManagedHeap, int Scheduled)
{
    public static long[] Minus(long[] a, long[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    public string Quantile(long[] counts, double q) => Core.Admin.NodeStatsView.Quantile(BoundsMs, counts, q) switch
    {
        null => "–",
        double.PositiveInfinity => $"> {BoundsMs[^1] / 1000:0} s",
        var v when v < 1000 => $"≤ {v:0} ms",
        var v => $"≤ {v / 1000:0.#} s",
    };

    public double? QuantileMs(long[] counts, double q) => Core.Admin.NodeStatsView.Quantile(BoundsMs, counts, q);
}
