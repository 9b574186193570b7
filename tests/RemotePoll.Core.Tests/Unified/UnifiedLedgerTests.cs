using RemotePoll.Core.Unified;
using Xunit;

namespace RemotePoll.Core.Tests.Unified;

public class UnifiedLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_key_is_seen_within_the_window_and_not_after_it()
    {
        var ledger = UnifiedLedger.Empty.Apply(new UnifiedChange(["m1/alice"], ["c1/alice"], T0, Day));

        Assert.True(ledger.WasSeen("m1/alice", T0 + TimeSpan.FromHours(23), Day));
        Assert.False(ledger.WasSeen("m1/alice", T0 + TimeSpan.FromHours(25), Day));
        Assert.False(ledger.WasSeen("m1/bob", T0, Day));
        Assert.True(ledger.IsDone("c1/alice"));
    }

    [Fact]
    public void Applying_a_later_change_prunes_seen_keys_older_than_the_window_and_progress_after_a_week()
    {
        var ledger = UnifiedLedger.Empty.Apply(new UnifiedChange(["old"], ["old-copy"], T0, Day))
            .Apply(new UnifiedChange(["new"], [], T0 + TimeSpan.FromDays(2), Day));

        Assert.False(ledger.Seen.ContainsKey("old"));
        Assert.True(ledger.Seen.ContainsKey("new"));
        Assert.True(ledger.IsDone("old-copy"));

        ledger = ledger.Apply(new UnifiedChange(["newer"], [], T0 + TimeSpan.FromDays(8), Day));
        Assert.False(ledger.IsDone("old-copy"));
    }

    [Fact]
    public void The_ledger_is_capped_by_dropping_the_oldest_entries()
    {
        var ledger = UnifiedLedger.Empty.Apply(new UnifiedChange(["first"], [], T0, Day));
        var many = Enumerable.Range(0, UnifiedLedger.MaxEntries).Select(i => $"k{i}").ToList();
        ledger = ledger.Apply(new UnifiedChange(many, [], T0 + TimeSpan.FromMinutes(1), Day));

        Assert.Equal(UnifiedLedger.MaxEntries, ledger.Seen.Count);
        Assert.False(ledger.Seen.ContainsKey("first"));
    }

    [Fact]
    public void Replaying_the_same_changes_gives_the_same_ledger()
    {
        UnifiedChange[] changes = [new(["a"], ["x"], T0, Day), new(["b"], [], T0 + Day * 1.5, Day)];
        Assert.Equal(changes.Aggregate(UnifiedLedger.Empty, (l, c) => l.Apply(c)), changes.Aggregate(UnifiedLedger.Empty, (l, c) => l.Apply(c)));
    }
}
