using RemotePoll.Core.Settings;
using Xunit;

namespace RemotePoll.Core.Tests.Settings;

public class ModuleSettingsTests
{
    private readonly ModuleSettings _default = ModuleSettings.Default;

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        Assert.Equal(PollLogLevel.Major, _default.Log);
        Assert.Equal(10, _default.Processes);
        Assert.True(_default.UseApop);
        Assert.Null(_default.SourceIp);
        Assert.False(_default.UseDomainIps);
        Assert.Equal(TimeSpan.FromMinutes(5), _default.DelayFailedHostsOrDefault);
        Assert.Equal(TimeSpan.FromMinutes(15), _default.DelayFailedAccountOrDefault);
        Assert.False(_default.AllowSelfPoll);
    }

    [Fact]
    public void ToPairs_lists_every_key_in_order_with_the_default_values()
    {
        var pairs = _default.ToPairs();

        Assert.Equal(ModuleSettings.Keys, pairs.Select(p => p.Key));
        Assert.Equal(
            new[] { "major", "10", "yes", "auto", "no", "5m", "15m", "no", "no", "5m", "0" },
            pairs.Select(p => p.Value));
    }

    [Theory]
    [InlineData("Major", PollLogLevel.Major)]
    [InlineData("crashes only", PollLogLevel.CrashesOnly)]
    [InlineData("Failures", PollLogLevel.Failures)]
    [InlineData("problems", PollLogLevel.Problems)]
    [InlineData("Low-Level", PollLogLevel.LowLevel)]
    [InlineData("All Info", PollLogLevel.AllInfo)]
    [InlineData("all-info", PollLogLevel.AllInfo)]
    public void Log_takes_the_spec_level_names(string value, PollLogLevel level)
    {
        Assert.Equal(level, _default.With("log", value).Log);
    }

    [Fact]
    public void Log_refuses_an_unknown_level_naming_the_key_and_the_levels()
    {
        var ex = Refusal.Names("log", "'verbose' is not one of", () => _default.With("log", "verbose"));

        Assert.Contains("low-level", ex.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("25", 25)]
    [InlineData(" 10000 ", 10000)]
    public void Processes_takes_a_whole_number_from_0_to_10000(string value, int processes)
    {
        Assert.Equal(processes, _default.With("processes", value).Processes);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("10001")]
    [InlineData("1.5")]
    [InlineData("many")]
    [InlineData("")]
    [InlineData("99999999999")]
    public void Processes_refuses_anything_else_naming_the_key(string value)
    {
        Refusal.Names("processes", "is not a whole number from 0 to 10000", () => _default.With("processes", value));
    }

    [Theory]
    [InlineData("use-apop")]
    [InlineData("use-domain-ips")]
    [InlineData("allow-self-poll")]
    public void Switches_take_yes_and_no_in_their_usual_spellings(string key)
    {
        foreach (var yes in new[] { "yes", "YES", "true", "on", "1" })
            Assert.Equal("yes", Value(_default.With(key, "no").With(key, yes), key));
        foreach (var no in new[] { "no", "No", "false", "off", "0" })
            Assert.Equal("no", Value(_default.With(key, "yes").With(key, no), key));
    }

    [Theory]
    [InlineData("use-apop")]
    [InlineData("use-domain-ips")]
    [InlineData("allow-self-poll")]
    public void Switches_refuse_anything_else_naming_the_key(string key)
    {
        Refusal.Names(key, "'maybe' is not yes or no", () => _default.With(key, "maybe"));
    }

    [Fact]
    public void Each_switch_sets_its_own_setting()
    {
        Assert.False(_default.With("use-apop", "no").UseApop);
        Assert.True(_default.With("use-domain-ips", "yes").UseDomainIps);
        Assert.True(_default.With("allow-self-poll", "yes").AllowSelfPoll);
        Assert.True(_default.With("allow-self-poll", "yes").UseApop);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("AUTO", null)]
    [InlineData("", null)]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("2001:DB8::5", "2001:db8::5")]
    public void Source_IP_takes_auto_or_an_address(string value, string? stored)
    {
        var s = _default.With("source-ip", "198.51.100.1").With("source-ip", value);

        Assert.Equal(stored, s.SourceIp);
        Assert.Equal(stored ?? "auto", Value(s, "source-ip"));
    }

    [Theory]
    [InlineData("mail.example.com")]
    [InlineData("300.1.1.1")]
    [InlineData("10.0.1")]
    [InlineData("10")]
    public void Source_IP_refuses_what_is_not_a_full_address_naming_the_key(string value)
    {
        Refusal.Names("source-ip", "is neither 'auto' nor an IP address", () => _default.With("source-ip", value));
    }

    [Theory]
    [InlineData("delay-failed-hosts")]
    [InlineData("delay-failed-account")]
    public void Delays_take_a_duration_and_show_it_canonically(string key)
    {
        var s = _default.With(key, "1h30m");

        Assert.Equal("90m", Value(s, key));
        Assert.Equal(TimeSpan.FromMinutes(90),
            key == "delay-failed-hosts" ? s.DelayFailedHostsOrDefault : s.DelayFailedAccountOrDefault);
    }

    [Fact]
    public void Each_delay_sets_its_own_setting()
    {
        var s = _default.With("delay-failed-hosts", "2m");

        Assert.Equal(TimeSpan.FromMinutes(2), s.DelayFailedHostsOrDefault);
        Assert.Equal(TimeSpan.FromMinutes(15), s.DelayFailedAccountOrDefault);
    }

    [Theory]
    [InlineData("delay-failed-hosts", "0s", "outside 1s..30d")]
    [InlineData("delay-failed-account", "31d", "outside 1s..30d")]
    [InlineData("delay-failed-hosts", "soon", "is not a duration")]
    [InlineData("delay-failed-account", "", "is empty")]
    [InlineData("delay-failed-hosts", "999999999d", "outside 1s..30d")]
    public void Delays_refuse_a_bad_duration_naming_the_key(string key, string value, string reason)
    {
        Refusal.Names(key, reason, () => _default.With(key, value));
    }

    [Fact]
    public void Keys_are_read_without_case_or_surrounding_space()
    {
        Assert.False(_default.With(" USE-APOP ", "no").UseApop);
    }

    [Fact]
    public void An_unknown_key_is_refused_naming_it_and_listing_the_keys()
    {
        Refusal.Names("threads", "is not a module setting; the keys are log, processes", () => _default.With("threads", "4"));
    }

    [Fact]
    public void With_returns_a_copy_and_leaves_the_original_unchanged()
    {
        var changed = _default.With("processes", "3");

        Assert.Equal(3, changed.Processes);
        Assert.Equal(10, _default.Processes);
    }

    [Fact]
    public void ToPairs_read_back_with_With_gives_the_same_settings()
    {
        var s = _default
            .With("log", "all info").With("processes", "4").With("use-apop", "no").With("source-ip", "192.0.2.9")
            .With("use-domain-ips", "yes").With("delay-failed-hosts", "2h").With("delay-failed-account", "45s")
            .With("allow-self-poll", "yes").With("allow-user-private-targets", "yes").With("user-min-poll-every", "2m");

        var back = s.ToPairs().Aggregate(ModuleSettings.Default, (acc, p) => acc.With(p.Key, p.Value));

        Assert.Equal(s, back);
        Assert.NotEqual(ModuleSettings.Default, back);
    }

    private static string Value(ModuleSettings s, string key) => s.ToPairs().Single(p => p.Key == key).Value;
}
