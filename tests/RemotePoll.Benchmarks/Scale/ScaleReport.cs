using System.Globalization;
using System.Text;
using RemotePoll.Benchmarks.Report;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>The tables of the scale and cluster cases, and their own README sections (markers of their own).</summary>
internal static class ScaleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Scale(RunEnvironment env, ScaleOptions o, string? pg, IReadOnlyList<ScaleFigures> figures, string command)
    {
        var t = Header(env, pg, command, figures.Select(f => f.LoadStart).FirstOrDefault() ?? "", figures.Select(f => f.LoadEnd).LastOrDefault() ?? "");
        t.AppendLine(Inv, $"| records | each account has one RPOP record on the test Dovecot's empty mailbox (plain POP3, Leave), Poll Every = accounts / {o.PollRate:0} per s (at least 60 s); Processes 20; lateness read {o.Window.TotalSeconds:0} s after the recovery |");
        t.AppendLine();
        t.AppendLine("| db | accounts | Poll Every | import s (records/s) | RSS empty MiB | RSS idle MiB | **bytes per idle record** | managed heap idle MiB | stop s | admin API up s | **recovery s** (every account scheduled) | accounts running at recovery / at window end | RSS after recovery MiB | scheduled polls started | timer lateness p50 / p99 | **start lateness p50 / p99** | after the recovery: polls, **start lateness p50 / p99** | node CPU s in window |");
        t.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---|---:|");
        foreach (var f in figures)
        {
            var s = f.Stats;
            t.AppendLine(Inv, $"| {f.Db} | {f.Accounts} | {f.Period.TotalSeconds:0} s | {f.Import.TotalSeconds:0.0} ({f.Accounts / f.Import.TotalSeconds:0}) | {Mib(f.RssEmpty)} | {Mib(f.RssIdle)} | {f.BytesPerIdleRecord:0} | {Mib(f.HeapIdle)} | {f.Stop.TotalSeconds:0.0} | {f.AdminUp.TotalSeconds:0.0} | {f.Recovery.TotalSeconds:0.0} | {f.PollersAtRecovery} / {s.Pollers} | {Mib(f.RssRecovered)} | {s.Started} in {f.WindowEnd.TotalSeconds:0} s | {s.Quantile(s.Timer, 0.5)} / {s.Quantile(s.Timer, 0.99)} | {s.Quantile(s.Start, 0.5)} / {s.Quantile(s.Start, 0.99)} | {f.Steady.Started}: {f.Steady.Quantile(f.Steady.Start, 0.5)} / {f.Steady.Quantile(f.Steady.Start, 0.99)} | {f.WindowCpu.TotalSeconds:0.0} |");
        }
        t.AppendLine();
        t.AppendLine("Targets at the largest size measured:");
        t.AppendLine();
        foreach (var db in figures.Select(f => f.Db).Distinct())
        {
            var f = figures.Where(x => x.Db == db).MaxBy(x => x.Accounts)!;
            var p99 = f.Stats.QuantileMs(f.Stats.Start, 0.99);
            var steady99 = f.Steady.QuantileMs(f.Steady.Start, 0.99);
            t.AppendLine(Inv, $"- {db}, {f.Accounts} accounts: memory per idle record {f.BytesPerIdleRecord / 1024:0.0} KB, target < 10 KB: **{(f.BytesPerIdleRecord < 10 * 1024 ? "met" : "missed")}**; " +
                $"recovery {f.Recovery.TotalSeconds:0} s, target < 60 s: **{(f.Recovery.TotalSeconds < 60 ? "met" : "missed")}**; " +
                $"start lateness p99 {f.Stats.Quantile(f.Stats.Start, 0.99)} since the restart, target < 1 s: **{(p99 is null ? "not measured" : p99 <= 1000 ? "met" : "missed")}**, " +
                $"and {f.Steady.Quantile(f.Steady.Start, 0.99)} once recovered: **{(steady99 is null ? "not measured" : steady99 <= 1000 ? "met" : "missed")}**.");
        }
        return t.ToString();
    }

    public static string Cluster(RunEnvironment env, ScaleOptions o, string? pg, IReadOnlyList<ClusterRun> runs, string command)
    {
        var t = Header(env, pg, command, runs.Select(r => r.LoadStart).FirstOrDefault() ?? "", runs.Select(r => r.LoadEnd).LastOrDefault() ?? "");
        t.AppendLine(Inv, $"| work | {o.ClusterAccounts} accounts × {o.MessagesPerAccount} messages of 8192 bytes, delete mode, Processes = 20 (cluster-wide), PostgreSQL journal, each node delivers into its own Maildir on the disk; median of {o.Runs} runs |");
        t.AppendLine();
        t.AppendLine("| nodes | messages | median s | msg/s | runs' range msg/s | MB/s | CPU s / 1000 msgs (all nodes) | messages per node (median run) |");
        t.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var g in runs.GroupBy(r => r.Nodes))
        {
            var sorted = g.OrderBy(r => r.Elapsed).ToList();
            var m = sorted[sorted.Count / 2];
            t.AppendLine(Inv, $"| {g.Key} | {m.Messages} | {m.Elapsed.TotalSeconds:0.0} | {m.MessagesPerSecond:0} | {sorted[^1].MessagesPerSecond:0}–{sorted[0].MessagesPerSecond:0} | {m.MessagesPerSecond * 8192 / 1e6:0.0} | {g.Select(r => r.CpuPer1000).OrderBy(x => x).ElementAt(g.Count() / 2):0.00} | {string.Join(" / ", m.PerNode)} |");
        }
        return t.ToString();
    }

    private static StringBuilder Header(RunEnvironment env, string? pg, string command, string loadStart, string loadEnd)
    {
        var t = new StringBuilder();
        t.AppendLine("| | |");
        t.AppendLine("|---|---|");
        t.AppendLine(Inv, $"| date | {env.Date:yyyy-MM-dd HH:mm} UTC |");
        t.AppendLine(Inv, $"| cores (Environment.ProcessorCount) | {env.Cores} |");
        t.AppendLine(Inv, $"| .NET | {env.Dotnet} |");
        t.AppendLine(Inv, $"| Akka | {AkkaVersion()} |");
        t.AppendLine(Inv, $"| Dovecot | {env.Dovecot} |");
        if (pg is not null) t.AppendLine(Inv, $"| PostgreSQL | {pg} |");
        t.AppendLine(Inv, $"| kernel | Linux {env.Kernel} |");
        t.AppendLine(Inv, $"| load average (1, 5, 15 min) | {loadStart} at the start, {loadEnd} at the end (shared machine) |");
        t.AppendLine(Inv, $"| command | `{command}` |");
        return t;
    }

    /// <summary>The Akka.dll shipped with the built node.</summary>
    private static string AkkaVersion() =>
        System.Diagnostics.FileVersionInfo.GetVersionInfo(Path.Combine(Path.GetDirectoryName(Testing.Nodes.BuiltPrograms.NodeDll)!, "Akka.dll")).ProductVersion?.Split('+')[0] ?? "?";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0", Inv);

    /// <summary>Rewrites the part of the README between <c>&lt;!-- NAME --&gt;</c> and <c>&lt;!-- /NAME --&gt;</c>.</summary>
    public static void Update(string readme, string name, string figures)
    {
        var (start, end) = ($"<!-- {name} -->", $"<!-- /{name} -->");
        var text = File.Exists(readme) ? File.ReadAllText(readme) : "";
        var section = $"{start}\n{figures.TrimEnd()}\n{end}";
        var s = text.IndexOf(start, StringComparison.Ordinal);
        var e = text.IndexOf(end, StringComparison.Ordinal);
        text = s >= 0 && e > s ? text[..s] + section + text[(e + end.Length)..] : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(readme, text);
    }
}
