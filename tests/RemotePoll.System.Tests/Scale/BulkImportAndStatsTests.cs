using System.Text;
using System.Text.Json;
using RemotePoll.Core.CommuniGate;

namespace RemotePoll.System.Tests.Scale;

/// <summary>
/// What an operator of many accounts uses: <c>rpoll rpop import</c> sets many accounts' RPOP records in one command
/// (a wrong file changes nothing), and <c>rpoll node stats</c> shows how many pollers run and how late scheduled
/// polls fired against a real Dovecot.
/// </summary>
public sealed class BulkImportAndStatsTests() : DovecotNodeTest("scale")
{
    private string Line(int i, string every) =>
        $"user{i}@example.com {{ r = {{ domain = \"127.0.0.1:{Dovecot.Pop3Port}\"; authName = empty; password = \"secret-{i}\"; period = {every}; }}; }}";

    [Fact]
    public async Task Import_sets_every_account_of_the_file_and_a_wrong_file_changes_nothing()
    {
        Assert.Equal(0, (await Rpoll(null, "module", "set", "processes", "0")).ExitCode);
        var file = new StringBuilder("# accounts migrated from the old server\n\n");
        for (var i = 0; i < 40; i++) file.AppendLine(Line(i, "Disabled"));
        var import = await Rpoll(file.ToString(), "rpop", "import", "-");
        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.Contains("RPOP records of 40 accounts set", import.StandardOutput);

        var back = await Rpoll(null, "cgp", "GETACCOUNTRPOPS", "user17@example.com", "--with-passwords");
        Assert.True(back.ExitCode == 0, back.StandardError);
        var lineText = Line(17, "Disabled");
        Assert.Equal(CgpParser.Parse(lineText[(lineText.IndexOf(' ') + 1)..]), CgpParser.Parse(back.StandardOutput));

        // A duplicate account, or a broken dictionary on a later line: refused before anything is sent.
        var duplicate = await Rpoll($"{Line(100, "10m")}\n{Line(101, "10m")}\n{Line(100, "1h")}\n", "rpop", "import", "-");
        Assert.Equal(2, duplicate.ExitCode);
        Assert.Contains("line 3: account user100@example.com is already on line 1", duplicate.StandardError);
        var broken = await Rpoll($"{Line(102, "10m")}\nuser103@example.com {{ r = {{ domain = x; \n", "rpop", "import", "-");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("line 2 (user103@example.com): dictionary:", broken.StandardError);
        foreach (var untouched in new[] { "user100@example.com", "user102@example.com" })
            Assert.Equal("{}", (await Rpoll(null, "cgp", "GETACCOUNTRPOPS", untouched)).StandardOutput.Trim());

        var stats = await NodeStatsAsync();
        Assert.Equal(40, stats.GetProperty("pollers").GetInt32());

        // First polls: spread over Poll Every by default; --first-poll now makes them start within seconds.
        var wrong = await Rpoll(Line(200, "1d") + "\n", "rpop", "import", "-", "--first-poll", "later");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--first-poll: 'later' is not now or spread", wrong.StandardError);
        var now = await Rpoll(Line(200, "1d") + "\n", "rpop", "import", "-", "--first-poll", "now");
        Assert.True(now.ExitCode == 0, now.StandardError);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await NodeStatsAsync()).GetProperty("timerLatenessCounts").EnumerateArray().Sum(c => c.GetInt64()) < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the imported record did not poll within 20 s with --first-poll now");
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Node_stats_count_the_scheduled_polls_and_how_late_they_fired()
    {
        await Dovecot.AddUserAsync("empty", "secret-0", Ct);
        var import = await Rpoll(Line(0, "2s") + "\n", "rpop", "import", "-");
        Assert.True(import.ExitCode == 0, import.StandardError);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement stats;
        while ((stats = await NodeStatsAsync()).GetProperty("scheduledPollsStarted").GetInt64() < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than 3 scheduled polls within 60 s: {stats}");
            await Task.Delay(500, Ct);
        }
        Assert.Equal(1, stats.GetProperty("pollers").GetInt32());
        var started = stats.GetProperty("scheduledPollsStarted").GetInt64();
        Assert.True(Sum(stats, "startLatenessCounts") == started, stats.ToString());
        Assert.True(Sum(stats, "timerLatenessCounts") >= started, stats.ToString());
        Assert.True(stats.GetProperty("workingSetBytes").GetInt64() > 10_000_000, stats.ToString());

        var text = await Rpoll(null, "node", "stats");
        Assert.True(text.ExitCode == 0, text.StandardError);
        Assert.Matches(@"pollers: 1\n", text.StandardOutput);
        Assert.Matches(@"lateness at connect \(timer \+ permit wait\): \d+ polls, p50 <= \d+ ms, p99 <= \d+ ms", text.StandardOutput);
    }

    private static long Sum(JsonElement stats, string name) => stats.GetProperty(name).EnumerateArray().Sum(e => e.GetInt64());
}
