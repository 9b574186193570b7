using System.Globalization;
using System.Text;
using RemotePoll.Benchmarks.Report;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Postgres;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>
/// <c>scale</c> (cases e, f) and <c>cluster</c> (case c): starts Dovecot (and PostgreSQL when a case needs it), runs
/// the nodes, prints a table and writes it into the README between its own markers. Everything it starts stops.
/// </summary>
internal static class ScaleRunner
{
    public static async Task<int> RunAsync(string mode, IReadOnlyList<string> args)
    {
        var cluster = mode == "cluster";
        var options = ScaleOptions.Parse(args, cluster);
        var env = await RunEnvironment.CaptureAsync(Path.GetTempPath());
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rpoll-scale-{Environment.ProcessId}")).FullName;
        try
        {
            await using var dovecot = await DovecotServer.StartAsync(new DovecotOptions { ExtraConfig = "pop3_no_flag_updates = yes" });
            await dovecot.AddUserAsync(ScaleCase.MailboxUser, ScaleCase.MailboxPassword);
            PostgresServer? postgres = null;
            try
            {
                var needsPostgres = cluster || options.Databases.Contains("postgres");
                if (needsPostgres) postgres = await PostgresServer.StartAsync();
                string? pgVersion = postgres is null ? null : (await postgres.ScalarAsync("postgres", "SHOW server_version"))?.Trim();
                async Task<string?> Database(string name) => postgres is null ? null : await postgres.CreateDatabaseAsync(name);

                string table;
                if (cluster)
                {
                    var c = new ClusterCase(options, dovecot, Database, root);
                    var runs = new List<ClusterRun>();
                    for (var run = 1; run <= options.Runs; run++)
                        foreach (var n in options.Nodes) runs.Add(await c.RunAsync(n, run));
                    table = ScaleReport.Cluster(env, options, pgVersion, runs, "dotnet run -c Release --project tests/RemotePoll.Benchmarks -- cluster" + Join(args));
                }
                else
                {
                    var s = new ScaleCase(options, dovecot, (name) => Task.FromResult<string?>(null), root);
                    var figures = new List<ScaleFigures>();
                    foreach (var accounts in options.Accounts)
                        foreach (var db in options.Databases)
                        {
                            var runner = db == "sqlite" ? s : new ScaleCase(options, dovecot, Database, root);
                            figures.Add(await runner.RunAsync(accounts, db));
                        }
                    table = ScaleReport.Scale(env, options, pgVersion, figures, "dotnet run -c Release --project tests/RemotePoll.Benchmarks -- scale" + Join(args));
                }
                Console.WriteLine();
                Console.WriteLine(table);
                if (options.WriteReadme)
                {
                    var readme = Path.Combine(BuiltPrograms.RepoRoot, "tests", "RemotePoll.Benchmarks", "README.md");
                    ScaleReport.Update(readme, cluster ? "cluster-figures" : "scale-figures", table);
                    Console.WriteLine($"figures written to {readme}");
                }
                return 0;
            }
            finally
            {
                if (postgres is not null) await postgres.DisposeAsync();
            }
        }
        finally
        {
            BenchContext.DeleteFolder(root);
        }
    }

    private static string Join(IReadOnlyList<string> args) => string.Concat(args.Where(a => a != "--no-readme").Select(a => " " + a));
}
