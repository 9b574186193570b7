using Xunit;
using RemotePoll.Core.Polling;

namespace RemotePoll.Core.Tests.Polling;

public sealed class WakeTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static string[] Names(IReadOnlyList<WakeEntry> woken) => [.. woken.Select(w => w.Account)];

    [Fact]
    public void A_listed_account_is_woken_at_once_until_its_records_report_then_a_lead_before_its_earliest_poll()
    {
        var table = new WakeTable();
        Assert.True(table.Add("a@x", T0));
        Assert.False(table.Add("a@x", T0));
        Assert.Equal(T0, table.NextWake);

        table.Report("a@x", "rpop-home", T0.AddHours(1), removed: false, T0);
        table.Report("a@x", "rimap-work", T0.AddMinutes(10), removed: false, T0);
        Assert.Equal(T0.AddMinutes(10) - WakeTable.Lead, table.NextWake);
        Assert.Empty(Names(table.TakeDue(T0.AddMinutes(9))));

        // The earlier record goes: the account is woken for the other one.
        table.Report("a@x", "rimap-work", null, removed: true, T0);
        Assert.Equal(T0.AddHours(1) - WakeTable.Lead, table.NextWake);
        // Every record Disabled: never woken.
        table.Report("a@x", "rpop-home", null, removed: false, T0);
        Assert.Null(table.NextWake);
    }

    [Fact]
    public void A_woken_account_is_woken_again_unless_it_reports_a_new_due_time()
    {
        var table = new WakeTable();
        table.Add("a@x", T0);
        table.Report("a@x", "rpop-home", T0.AddMinutes(5), removed: false, T0);
        var wake = T0.AddMinutes(5) - WakeTable.Lead;
        var woken = Assert.Single(table.TakeDue(wake));
        // The wake carries the due times the schedule knows: the account keeps to them after a restart.
        Assert.Equal("a@x", woken.Account);
        Assert.Equal([new WakeDue("rpop-home", T0.AddMinutes(5))], woken.Records);
        Assert.Equal(wake + WakeTable.WakeAgainAfter, table.NextWake);
        Assert.Empty(Names(table.TakeDue(wake.AddSeconds(1))));

        table.Report("a@x", "rpop-home", T0.AddMinutes(15), removed: false, T0.AddMinutes(5));
        Assert.Equal(T0.AddMinutes(15) - WakeTable.Lead, table.NextWake);
    }

    [Fact]
    public void Only_a_new_record_or_a_due_time_earlier_than_what_is_kept_must_be_persisted()
    {
        var table = new WakeTable();
        table.Add("a@x", T0);
        // The first record of an account with nothing kept: it is woken at once after a recovery anyway.
        Assert.False(table.Report("a@x", "rpop-home", T0.AddMinutes(10), removed: false, T0));
        table.Kept(table.Export());
        // A second record while the first is kept: the kept schedule would miss it.
        Assert.True(table.Report("a@x", "rimap-work", T0.AddHours(2), removed: false, T0));
        table.Keep("a@x", "rimap-work", T0.AddHours(2));
        // Later (every poll): memory only.
        Assert.False(table.Report("a@x", "rpop-home", T0.AddMinutes(20), removed: false, T0));
        // Earlier than what is kept (an order, a shorter period): persisted.
        Assert.False(table.Report("a@x", "rpop-home", T0.AddMinutes(15), removed: false, T0));
        Assert.True(table.Report("a@x", "rpop-home", T0.AddMinutes(5), removed: false, T0));
        table.Keep("a@x", "rpop-home", T0.AddMinutes(5));
        // Disabled is later than everything; enabled again is earlier than Disabled.
        Assert.False(table.Report("a@x", "rpop-home", null, removed: false, T0));
        Assert.False(table.Report("a@x", "rpop-home", T0.AddMinutes(30), removed: false, T0));
        table.Kept(table.Export());
        Assert.False(table.Dirty);
        Assert.True(table.Report("a@x", "rpop-home", T0.AddMinutes(29), removed: false, T0));
    }

    [Fact]
    public void A_schedule_restored_from_its_snapshot_wakes_every_account_no_later_than_it_was_due()
    {
        var table = new WakeTable();
        table.Add("a@x", T0);
        table.Add("b@x", T0);
        table.Add("c@x", T0);
        table.Report("a@x", "rpop-home", T0.AddMinutes(10), removed: false, T0);
        table.Report("b@x", "rpop-home", null, removed: false, T0);
        table.Report("c@x", "rpop-home", T0.AddMinutes(2), removed: false, T0);
        var saved = table.Export();

        // After the snapshot c polled (its due time moved later) and was not snapshotted again: the restored
        // schedule wakes it for the old time, early, which is safe.
        table.Report("c@x", "rpop-home", T0.AddMinutes(12), removed: false, T0.AddMinutes(2));

        var restored = new WakeTable();
        restored.Restore(saved, T0.AddMinutes(3));
        Assert.Equal(3, restored.Count);
        Assert.False(restored.Dirty);
        Assert.Equal(["c@x"], Names(restored.TakeDue(T0.AddMinutes(3))));
        // c is woken again (it has not reported yet); a is due.
        Assert.Equal(["c@x", "a@x"], Names(restored.TakeDue(T0.AddMinutes(10) - WakeTable.Lead)));
        Assert.DoesNotContain("b@x", Names(restored.TakeDue(T0.AddDays(1))));

        // Events after the snapshot are replayed on top: a record new since, and an account gone since.
        restored.Replay("a@x", "rimap-work", T0.AddMinutes(4), T0.AddMinutes(3));
        restored.Remove("b@x");
        Assert.Equal(2, restored.Count);
        Assert.Contains(T0.AddMinutes(4) - WakeTable.Lead, new[] { restored.NextWake!.Value });
    }

    [Fact]
    public void An_unlisted_account_is_not_woken()
    {
        var table = new WakeTable();
        table.Add("a@x", T0);
        Assert.True(table.Remove("a@x"));
        Assert.False(table.Remove("a@x"));
        Assert.Null(table.NextWake);
        Assert.Empty(Names(table.TakeDue(T0.AddDays(1))));
        Assert.Equal(0, table.Count);
    }
}
