using System.Globalization;
using RemotePoll.Core.Admin;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cli;

/// <summary>
/// <c>rpoll rpop import FILE|-</c>: many accounts' RPOP records in one command, for a migration or a large set-up.
/// Each line is <c>ACCOUNT DICTIONARY</c>, the dictionary as for <c>cgp SETACCOUNTRPOPS</c> (it replaces that
/// account's RPOP records); blank lines and lines starting with # are skipped. The whole file is checked first (each
/// dictionary parsed, no account twice), and nothing is sent when a line is wrong. Then the lines are sent with up to
/// <see cref="InFlight"/> requests in flight; a line the cluster refuses is reported with its number and the others
/// are applied.
/// </summary>
public static class RecordImport
{
    public const int InFlight = 32;

    /// <summary>One line to send.</summary>
    public sealed record Line(int Number, CgpSetRecords Command);

    /// <summary>Parses the file; throws <see cref="UsageException"/> naming the line and the reason.</summary>
    /// <param name="spreadFirstPolls">each new record polls first at a random moment within its Poll Every (the default);
    /// false: within seconds, as a record set by hand</param>
    public static IReadOnlyList<Line> Parse(string text, bool spreadFirstPolls = true)
    {
        var lines = new List<Line>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.IndexOfAny([' ', '\t']);
            if (space < 0) throw new UsageException($"rpop import: line {number}: ACCOUNT DICTIONARY expected, found '{Shorten(line)}'");
            var account = line[..space];
            var dictionary = line[(space + 1)..].Trim();
            if (seen.TryGetValue(account, out var first))
                throw new UsageException($"rpop import: line {number}: account {account} is already on line {first}");
            seen[account] = number;
            try { RecordDictionaries.ToRpopChanges(CgpParser.Parse(dictionary)); }
            catch (Exception ex) when (ex is CgpFormatException or ValidationException)
            {
                throw new UsageException($"rpop import: line {number} ({account}): dictionary: {ex.Message}");
            }
            lines.Add(new Line(number, new CgpSetRecords(account, RecordKind.Rpop, dictionary) { SpreadFirstPolls = spreadFirstPolls }));
        }
        return lines;
    }

    /// <summary>Sends every line; returns the exit code (0 all applied, 1 some refused, 3 the cluster did not answer).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<Line> lines, Func<IAdminCommand, Task<AdminReply>> send, TextWriter stdout, TextWriter stderr)
    {
        var refused = 0;
        var unanswered = 0;
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (line, _) =>
        {
            string? problem;
            try
            {
                var reply = await send(line.Command);
                problem = reply.Ok ? null : reply.Error ?? "refused";
                if (problem is not null) Interlocked.Increment(ref refused);
            }
            catch (TimeoutException ex)
            {
                problem = ex.Message;
                Interlocked.Increment(ref unanswered);
            }
            if (problem is not null)
            {
                lock (stderr) stderr.WriteLine($"rpoll: line {line.Number} ({line.Command.Account}): {problem}");
            }
        });
        var applied = lines.Count - refused - unanswered;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"RPOP records of {Output.Count(applied, "account")} set{(refused + unanswered > 0 ? $"; {refused} refused, {unanswered} not answered" : "")}"));
        return unanswered > 0 ? Rpoll.Unreachable : refused > 0 ? Rpoll.Refused : Rpoll.Ok;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
