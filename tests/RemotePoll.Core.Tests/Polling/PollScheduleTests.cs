using Xunit;
using RemotePoll.Core.Polling;

namespace RemotePoll.Core.Tests.Polling;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(30);

    [Fact]
    public void A_poll_due_later_waits_until_it_is_due_whatever_the_spread()
    {
        Assert.Equal(TimeSpan.FromMinutes(7), PollSchedule.Delay(Now.AddMinutes(7), Now, Period, spreadOverPeriod: true, random: 0.9));
        Assert.Equal(TimeSpan.FromMinutes(7), PollSchedule.Delay(Now.AddMinutes(7), Now, Period, spreadOverPeriod: false, random: 0.9));
    }

    [Fact]
    public void A_new_record_or_an_order_polls_within_a_few_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(4.5), PollSchedule.Delay(Now, Now, Period, spreadOverPeriod: false, random: 0.9));
        Assert.Equal(TimeSpan.FromSeconds(0.9), PollSchedule.Delay(Now, Now, null, spreadOverPeriod: true, random: 0.9));
        Assert.Equal(TimeSpan.FromSeconds(1.8), PollSchedule.Delay(Now.AddHours(-3), Now, TimeSpan.FromSeconds(2), spreadOverPeriod: false, random: 0.9));
    }

    [Fact]
    public void After_a_restart_overdue_polls_are_spread_over_their_period_not_over_seconds()
    {
        var delays = Enumerable.Range(0, 100).Select(i => PollSchedule.Delay(Now.AddHours(-2), Now, Period, spreadOverPeriod: true, random: i / 100.0)).ToList();
        Assert.Equal(TimeSpan.Zero, delays.Min());
        Assert.Equal(Period * 0.99, delays.Max());
        Assert.Equal(Period / 2, delays[50]);
    }
}
