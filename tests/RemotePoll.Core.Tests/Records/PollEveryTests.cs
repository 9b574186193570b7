using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class PollEveryTests
{
    [Theory]
    [InlineData("Never")]
    [InlineData("never")]
    [InlineData("NEVER")]
    [InlineData("  nEvEr ")]
    public void Never_is_recognised_in_any_case_and_has_no_period(string text)
    {
        var every = PollEvery.TryParse(text, out var reason);

        Assert.Null(reason);
        Assert.NotNull(every);
        Assert.True(every.IsNever);
        Assert.Null(every.Period);
        Assert.Equal("Never", every.ToString());
    }

    [Theory]
    [InlineData("Disabled")]
    [InlineData("disabled")]
    [InlineData(" DISABLED ")]
    public void Disabled_is_recognised_in_any_case_and_keeps_the_record(string text)
    {
        var every = PollEvery.TryParse(text, out _);

        Assert.NotNull(every);
        Assert.False(every.IsNever);
        Assert.Equal(PollPeriod.Disabled, every.Period);
        Assert.Equal("Disabled", every.ToString());
    }

    [Theory]
    [InlineData("1s", "1s")]
    [InlineData("30d", "30d")]
    [InlineData("720h", "30d")]
    [InlineData("1h30m", "90m")]
    [InlineData("600", "10m")]
    public void A_duration_within_bounds_becomes_a_period_with_canonical_text(string text, string canonical)
    {
        var every = PollEvery.TryParse(text, out var reason);

        Assert.Null(reason);
        Assert.NotNull(every?.Period);
        Assert.False(every.IsNever);
        Assert.Equal(canonical, every.ToString());
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("0")]
    [InlineData("31d")]
    [InlineData("721h")]
    [InlineData("30d1s")]
    public void A_duration_outside_one_second_to_thirty_days_is_refused(string text)
    {
        Assert.Null(PollEvery.TryParse(text, out var reason));
        Assert.Contains($"'{text}' is outside 1s..30d", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sometimes", "is not a duration")]
    [InlineData("5w", "unknown unit 'w'")]
    [InlineData("", "is empty")]
    [InlineData(null, "is empty")]
    public void Text_that_is_not_a_period_is_refused_with_the_reason(string? text, string reason)
    {
        Assert.Null(PollEvery.TryParse(text, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }
}
