using System.Globalization;

namespace RemotePoll.Benchmarks.Scale;

/// <summary>
/// <c>scale [--accounts N,N…] [--db sqlite,postgres] [--poll-rate R] [--window S] [--no-readme]</c> and
/// <c>cluster [--nodes 1,3] [--accounts N] [--messages N] [--runs N] [--no-readme]</c>.
/// </summary>
internal sealed record ScaleOptions
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/RemotePoll.Benchmarks -- scale [--accounts 10000,30000,100000] [--db sqlite,postgres] [--poll-rate 25] [--window 60] [--no-readme]\n" +
        "       dotnet run -c Release --project tests/RemotePoll.Benchmarks -- cluster [--nodes 1,3] [--accounts 500] [--messages 20] [--runs 3] [--no-readme]";

    public IReadOnlyList<int> Accounts { get; init; } = [10_000, 30_000, 100_000];
    public IReadOnlyList<string> Databases { get; init; } = ["sqlite", "postgres"];
    /// <summary>
    /// Steady polls per second the records ask for: Poll Every = accounts / rate. 25, about a third of what the test
    /// Dovecot's logins carry on this 2-core machine (`pop3-limit-empty-polls`, 86–91 polls/s with the cores to
    /// itself): at 50 the node and Dovecot together were at capacity, so a backlog of polls formed at a restart never
    /// drained, and the lateness measured Dovecot's login rate rather than the schedule.
    /// </summary>
    public double PollRate { get; init; } = 25;
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);
    public IReadOnlyList<int> Nodes { get; init; } = [1, 3];
    public int ClusterAccounts { get; init; } = 500;
    public int MessagesPerAccount { get; init; } = 20;
    public int Runs { get; init; } = 3;
    public bool WriteReadme { get; init; } = true;

    public static ScaleOptions Parse(IReadOnlyList<string> args, bool cluster)
    {
        var o = new ScaleOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            IReadOnlyList<int> Numbers() => Value().Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]}: positive whole numbers separated by commas")).ToList();
            switch (args[i])
            {
                case "--accounts" when cluster: o = o with { ClusterAccounts = Numbers()[0] }; break;
                case "--accounts": o = o with { Accounts = Numbers() }; break;
                case "--db": o = o with { Databases = Value().Split(',').Select(d => d is "sqlite" or "postgres" ? d : throw new ArgumentException("--db: sqlite and/or postgres")).ToList() }; break;
                case "--poll-rate": o = o with { PollRate = Numbers()[0] }; break;
                case "--window": o = o with { Window = TimeSpan.FromSeconds(Numbers()[0]) }; break;
                case "--nodes": o = o with { Nodes = Numbers() }; break;
                case "--messages": o = o with { MessagesPerAccount = Numbers()[0] }; break;
                case "--runs": o = o with { Runs = Numbers()[0] }; break;
                case "--no-readme": o = o with { WriteReadme = false }; break;
                default: throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        return o;
    }
}
