using RemotePoll.Cli;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cli.Tests;

/// <summary>What rpoll prints: counts agree with their nouns, and RPOP and RIMAP lists share one Last/Error convention.</summary>
public sealed class OutputTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0 messages")]
    [InlineData(1, "1 message")]
    [InlineData(2, "2 messages")]
    public void Counts_agree_with_their_noun(long n, string text) => Assert.Equal(text, Output.Count(n, "message"));

    [Fact]
    public void A_poll_of_one_message_says_one_message_and_one_byte()
    {
        var report = new PollReport("a@b.c", "RPOP", "home", true, 1, 1, 0, null, null, T, T.AddSeconds(1), []);
        Assert.StartsWith("RPOP a@b.c/home: 1 message, 1 byte in 1.0 s", Output.Render(report, CliView.Whole, json: false));
    }

    [Fact]
    public void Rpop_and_rimap_lists_both_show_the_last_success_under_LAST_and_the_failure_under_ERROR()
    {
        var rpop = new RpopRecordView("home", "10m", "john", "pop.example.com", true, false, false, false, null, null,
            T, "cannot resolve", "ConnectionFailed");
        var rimap = new RimapRecordView("work", "10m", "john", "imap.example.com", true, "SSL", "Normal", null, null,
            T, "cannot resolve", "ConnectionFailed");
        var account = new AccountView("a@b.c", false, [rpop], [rimap]);
        foreach (var view in new[] { CliView.RpopRecords, CliView.RimapRecords })
        {
            var lines = Output.Render(account, view, json: false).Split('\n');
            var header = lines[0];
            var last = header.IndexOf("LAST", StringComparison.Ordinal);
            var error = header.IndexOf("ERROR", StringComparison.Ordinal);
            Assert.True(last > 0 && error > last, header);
            Assert.StartsWith(T.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), lines[1][last..]);
            Assert.StartsWith("ConnectionFailed: cannot resolve", lines[1][error..]);
        }
    }

    [Fact]
    public void A_servers_LOGIN_DELAY_over_Poll_Every_shows_in_EVERY_and_in_the_json()
    {
        var held = new RpopRecordView("cyrus", "10m", "john", "pop.example.com", true, false, false, false, null, null,
            T, null, null, LoginDelay: "15m", EffectiveEvery: "15m");
        var within = held with { Name = "fast", LoginDelay = "1m", EffectiveEvery = "10m" };
        var account = new AccountView("a@b.c", false, [held, within], []);

        var lines = Output.Render(account, CliView.RpopRecords, json: false).Split('\n');
        var every = lines[0].IndexOf("EVERY", StringComparison.Ordinal);
        Assert.StartsWith("10m (login-delay 15m) ", lines[1][every..]);
        Assert.StartsWith("10m ", lines[2][every..]);
        Assert.DoesNotContain("login-delay", lines[2]);
        var json = Output.Render(account, CliView.RpopRecords, json: true);
        Assert.Contains("\"loginDelay\": \"15m\"", json);
        Assert.Contains("\"effectiveEvery\": \"15m\"", json);
    }
}
