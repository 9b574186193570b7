using System.Globalization;
using RemotePoll.Benchmarks.Drains;
using RemotePoll.Benchmarks.Limits;
using RemotePoll.Benchmarks.Peers;
using RemotePoll.Benchmarks.Report;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Benchmarks;

/// <summary>
/// One benchmark run: starts Dovecot (and the node when its case is chosen), warms every case up once, then runs
/// the cases in rounds (each round runs every case once, so a noisy minute on the shared machine hits limits and
/// RemotePoll alike), prints the medians and writes them into the README. Everything it starts is stopped.
/// </summary>
internal static class BenchmarkRunner
{
    public static async Task<int> RunAsync(BenchmarkOptions options, IReadOnlyList<string> args, CancellationToken ct)
    {
        var env = await RunEnvironment.CaptureAsync(options.Disk);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{env.Date:yyyy-MM-dd HH:mm} UTC, {env.Cores} cores, {env.Dotnet}, Dovecot {env.Dovecot}, MailKit {env.MailKit}, load {env.LoadAtStart}"));

        await using var context = await BenchContext.StartAsync(options, ct);
        await using var node = new NodeCase(context);
        await using var oauth = new OAuthSignInCases();
        await using var smtp = new SmtpCases(context);
        var all = LimitCases.All(context).Concat(RpopCases.All(context)).Concat(FetchmailCases.All(context)).Append(node.Case)
            .Concat(MbsyncCases.All(context)).Concat(RimapCases.All(context)).Append(node.RimapCase).Concat(EmptyPollCases.All(context))
            .Concat(oauth.All()).Concat(smtp.All()).ToList();
        var chosen = Select(all, options.Cases);
        var runnable = chosen.Where(c => c.RunAsync is not null).ToList();
        var samples = chosen.ToDictionary(c => c.Name, _ => new List<RunSample>(), StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);

        Console.WriteLine($"warm-up: {options.WarmUpMessages} messages per case");
        foreach (var c in runnable)
            await Attempt(c, 0, options.WarmUpMessages, s => { });
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var c in runnable.Where(c => !failures.ContainsKey(c.Name)))
            {
                await Attempt(c, run, options.Messages, s =>
                {
                    samples[c.Name].Add(s);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  run {run}/{options.Runs} {c.Name,-26} {s.Elapsed.TotalSeconds,7:0.00} s {s.Messages / s.Elapsed.TotalSeconds,7:0} msg/s  CPU {s.Cpu.TotalSeconds:0.00} s"));
                });
            }
        }
        env.LoadAtEnd = RunEnvironment.Load();

        var figures = chosen.Select(c => new CaseFigures(c, failures.ContainsKey(c.Name) ? [] : samples[c.Name],
            failures.GetValueOrDefault(c.Name) ?? c.Note)).ToList();
        var command = "dotnet run -c Release --project tests/RemotePoll.Benchmarks --" + string.Concat(args.Select(a => " " + a));
        var table = FiguresTable.Render(env, options, figures, command.TrimEnd(' ', '-'));
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.WriteReadme)
        {
            var readme = Path.Combine(BuiltPrograms.RepoRoot, "tests", "RemotePoll.Benchmarks", "README.md");
            ReadmeFigures.Update(readme, table, options.Shape);
            Console.WriteLine($"figures written to {readme}");
        }
        return failures.Count == 0 ? 0 : 1;

        async Task Attempt(BenchmarkCase c, int run, int count, Action<RunSample> record)
        {
            try
            {
                context.Settle();
                record(await c.RunAsync!(run, count, ct));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failures[c.Name] = $"failed in run {run}: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
                Console.Error.WriteLine($"{c.Name}: {e}");
            }
        }
    }

    /// <summary>
    /// The cases named or prefixed on the command line (all when none), with the limits they are compared with, in
    /// running order: each case right after its limit, so that the two runs of a round are seconds apart.
    /// </summary>
    private static List<BenchmarkCase> Select(List<BenchmarkCase> all, IReadOnlyList<string> filters)
    {
        if (filters.Count == 0) return InRunningOrder(all);
        foreach (var f in filters)
            if (!all.Any(c => c.Name.StartsWith(f, StringComparison.Ordinal)))
                throw new ArgumentException($"no case is named '{f}' or starts with it; cases: {string.Join(", ", all.Select(c => c.Name))}");
        var named = all.Where(c => filters.Any(f => c.Name.StartsWith(f, StringComparison.Ordinal))).ToList();
        var limits = named.SelectMany(c => new[] { c.Limit, c.AlsoComparedWith, c.Peer }).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return InRunningOrder(all.Where(c => named.Contains(c) || limits.Contains(c.Name)).ToList());
    }

    private static List<BenchmarkCase> InRunningOrder(List<BenchmarkCase> cases)
    {
        var ordered = new List<BenchmarkCase>();
        foreach (var limit in cases.Where(c => c.IsLimit))
        {
            ordered.Add(limit);
            ordered.AddRange(cases.Where(c => c.Limit == limit.Name));
        }
        return [.. ordered, .. cases.Except(ordered)];
    }
}
