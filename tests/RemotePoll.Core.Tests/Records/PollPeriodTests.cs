using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class PollPeriodTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("90", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d2h3m4s", 93784)]
    [InlineData("10M", 600)]
    [InlineData(" 2H ", 7200)]
    [InlineData("0", 0)]
    public void Parses_durations_in_seconds_minutes_hours_days_and_combinations(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), PollPeriod.TryParseDuration(text, out var reason));
        Assert.Null(reason);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData("m", "is not a duration")]
    [InlineData("-5m", "is not a duration")]
    [InlineData("5x", "unknown unit 'x'")]
    [InlineData("1.5h", "unknown unit '.'")]
    [InlineData("1 h", "unknown unit ' '")]
    [InlineData("1h30", "missing a unit after 30")]
    [InlineData("1234567890s", "is not a duration")]
    public void Refuses_what_is_not_a_duration_with_the_reason(string? text, string reason)
    {
        Assert.Null(PollPeriod.TryParseDuration(text, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("999999999d")]
    [InlineData("99999999h")]
    [InlineData("999999999d999999999d999999999d")]
    public void A_duration_too_large_for_a_TimeSpan_is_refused_as_out_of_range_not_thrown(string text)
    {
        var every = PollEvery.TryParse(text, out var reason);

        Assert.Null(every);
        Assert.Contains("outside 1s..30d", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(90, "90s")]
    [InlineData(120, "2m")]
    [InlineData(3600, "1h")]
    [InlineData(5400, "90m")]
    [InlineData(86400, "1d")]
    [InlineData(90000, "25h")]
    [InlineData(172800, "2d")]
    [InlineData(61, "61s")]
    public void ToString_uses_the_largest_whole_unit(int seconds, string text)
    {
        var period = PollPeriod.Every(TimeSpan.FromSeconds(seconds));

        Assert.Equal(text, period.ToString());
        Assert.Equal(period.Interval, PollPeriod.TryParseDuration(text, out _));
    }

    [Fact]
    public void Disabled_has_no_interval_and_reads_Disabled()
    {
        Assert.True(PollPeriod.Disabled.IsDisabled);
        Assert.Null(PollPeriod.Disabled.Interval);
        Assert.Equal("Disabled", PollPeriod.Disabled.ToString());
        Assert.False(PollPeriod.Every(TimeSpan.FromMinutes(1)).IsDisabled);
    }

    [Fact]
    public void The_default_period_is_ten_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), PollPeriod.Default.Interval);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(30 * 86400 + 1)]
    public void Every_refuses_an_interval_outside_one_second_to_thirty_days(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PollPeriod.Every(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Periods_with_the_same_interval_are_equal()
    {
        Assert.Equal(PollPeriod.Every(TimeSpan.FromMinutes(10)), PollEvery.TryParse("600s", out _)!.Period);
        Assert.NotEqual(PollPeriod.Every(TimeSpan.FromMinutes(10)), PollPeriod.Every(TimeSpan.FromMinutes(11)));
        Assert.NotEqual(PollPeriod.Disabled, PollPeriod.Every(TimeSpan.FromMinutes(10)));
    }
}
