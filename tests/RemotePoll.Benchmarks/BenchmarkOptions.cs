using System.Globalization;

namespace RemotePoll.Benchmarks;

/// <summary>The command line: <c>[case...] [--runs N] [--messages N] [--size BYTES] [--disk DIR] [--no-readme]</c>.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/RemotePoll.Benchmarks -- [case...] [--runs N] [--messages N] [--size BYTES] [--disk DIR] [--sessions N] [--no-readme]\n" +
        "  case       a case name or a prefix of names (pop3, imap, rpop, node…); default: all. The limits a chosen case\n" +
        "             is compared with always run too, in the same run.\n" +
        "  --runs     timed runs per case, the figure is the median (default 3)\n" +
        "  --messages messages per case (default 2000; the IMAP cases split them over 5 folders)\n" +
        "  --size     bytes per message (default 8192)\n" +
        "  --disk     where durable files are written (default the temp folder; must be a real disk, not tmpfs)\n" +
        "  --sessions LMTP sessions of lmtp-limit-sessions and the LMTP drains (default 4, the node's lmtp-sessions default)\n" +
        "  --no-readme  print the table only, leave README.md alone";

    public IReadOnlyList<string> Cases { get; init; } = [];
    public int Runs { get; init; } = 3;
    public int Messages { get; init; } = 2000;
    public int Size { get; init; } = 8192;
    public int Folders { get; init; } = 5;
    public int BatchSize { get; init; } = 200;
    public int WarmUpMessages { get; init; } = 100;
    public string Disk { get; init; } = Path.GetTempPath();
    public bool WriteReadme { get; init; } = true;
    public int LmtpSessions { get; init; } = 4;

    /// <summary>Empty for the default mailboxes (2000 × 8192), else "MESSAGESxSIZE": each shape has its own figures in the README.</summary>
    public string Shape => Messages == 2000 && Size == 8192 ? "" : FormattableString.Invariant($"{Messages}x{Size}");

    /// <exception cref="ArgumentException">The command line is wrong; the message says how.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        var cases = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number(int min) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n : throw new ArgumentException($"{args[i - 1]}: a whole number of at least {min}");
            switch (args[i])
            {
                case "--runs": options = options with { Runs = Number(1) }; break;
                case "--messages": options = options with { Messages = Number(10) }; break;
                case "--size": options = options with { Size = Number(512) }; break;
                case "--disk": options = options with { Disk = Value() }; break;
                case "--sessions": options = options with { LmtpSessions = Number(1) }; break;
                case "--no-readme": options = options with { WriteReadme = false }; break;
                case var a when a.StartsWith('-'): throw new ArgumentException($"unknown option {a}");
                default: cases.Add(args[i]); break;
            }
        }
        if (options.Messages % options.Folders != 0)
            throw new ArgumentException($"--messages: a multiple of {options.Folders} (the IMAP cases split them over {options.Folders} folders)");
        return options with { Cases = cases, WarmUpMessages = Math.Min(options.WarmUpMessages, options.Messages) };
    }
}
