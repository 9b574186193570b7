using RemotePoll.Core.Ledgers;
using Xunit;

namespace RemotePoll.Core.Tests.Ledgers;

/// <summary>What an RPOP record remembers by POP3 UID (spec, Leave), and how one batch changes it.</summary>
public class UidLedgerTests
{
    private static LedgerChange Delivered(params string[] uids) => new(uids, [], []);
    private static LedgerChange Rejected(params string[] uids) => new([], uids, []);
    private static LedgerChange Removed(params string[] uids) => new([], [], uids);

    [Fact]
    public void The_empty_ledger_knows_no_uid()
    {
        Assert.False(UidLedger.Empty.Knows("a1"));
        Assert.Empty(UidLedger.Empty.Delivered);
        Assert.Empty(UidLedger.Empty.Rejected);
    }

    [Fact]
    public void Delivered_uids_are_remembered_as_delivered()
    {
        var ledger = UidLedger.Empty.Apply(Delivered("a1", "a2"));

        Assert.Equal(["a1", "a2"], ledger.Delivered.Order());
        Assert.Empty(ledger.Rejected);
        Assert.True(ledger.Knows("a1"));
        Assert.False(ledger.Knows("a3"));
    }

    [Fact]
    public void Rejected_uids_are_known_but_not_delivered()
    {
        var ledger = UidLedger.Empty.Apply(Rejected("r1"));

        Assert.True(ledger.Knows("r1"));
        Assert.Empty(ledger.Delivered);
        Assert.Equal(["r1"], ledger.Rejected);
    }

    [Fact]
    public void A_uid_moving_from_rejected_to_delivered_leaves_the_rejected_set()
    {
        var ledger = UidLedger.Empty.Apply(Rejected("r1", "r2")).Apply(Delivered("r1"));

        Assert.Equal(["r1"], ledger.Delivered);
        Assert.Equal(["r2"], ledger.Rejected);
    }

    [Fact]
    public void Removed_uids_are_pruned_from_both_sets_and_the_others_stay()
    {
        var ledger = UidLedger.Empty.Apply(new LedgerChange(["d1", "d2"], ["r1", "r2"], []));

        var pruned = ledger.Apply(Removed("d1", "r2"));

        Assert.Equal(["d2"], pruned.Delivered);
        Assert.Equal(["r1"], pruned.Rejected);
        Assert.False(pruned.Knows("d1"));
        Assert.False(pruned.Knows("r2"));
    }

    [Fact]
    public void Removing_an_unknown_uid_changes_nothing()
    {
        var ledger = UidLedger.Empty.Apply(new LedgerChange(["d1"], ["r1"], []));

        Assert.Equal(ledger, ledger.Apply(Removed("zz")));
    }

    [Fact]
    public void A_pruned_uid_delivered_again_later_is_remembered_again()
    {
        var ledger = UidLedger.Empty.Apply(Delivered("u1")).Apply(Removed("u1")).Apply(Delivered("u1"));

        Assert.Equal(["u1"], ledger.Delivered);
    }

    [Fact]
    public void A_batch_adds_to_what_was_remembered_before()
    {
        var ledger = UidLedger.Empty.Apply(new LedgerChange(["d1"], ["r1"], []))
            .Apply(new LedgerChange(["d2"], ["r2"], []));

        Assert.Equal(["d1", "d2"], ledger.Delivered.Order());
        Assert.Equal(["r1", "r2"], ledger.Rejected.Order());
    }

    [Fact]
    public void Apply_returns_a_new_ledger_and_leaves_the_old_one_unchanged()
    {
        var before = UidLedger.Empty.Apply(Delivered("d1"));

        _ = before.Apply(new LedgerChange(["d2"], ["r1"], ["d1"]));

        Assert.Equal(["d1"], before.Delivered);
        Assert.Empty(before.Rejected);
    }

    [Fact]
    public void Uids_are_case_sensitive()
    {
        // RFC 1939: a unique-id is compared octet by octet.
        var ledger = UidLedger.Empty.Apply(Delivered("AbC"));

        Assert.True(ledger.Knows("AbC"));
        Assert.False(ledger.Knows("abc"));
        Assert.Equal(ledger, ledger.Apply(Removed("ABC")));
    }

    [Fact]
    public void Ledgers_with_the_same_uids_are_equal_whatever_order_they_were_built_in()
    {
        var one = UidLedger.Empty.Apply(Delivered("a", "b")).Apply(Rejected("c"));
        var two = UidLedger.Empty.Apply(Rejected("c")).Apply(Delivered("b")).Apply(Delivered("a"));

        Assert.Equal(one, two);
        Assert.Equal(one.GetHashCode(), two.GetHashCode());
        Assert.NotEqual(one, one.Apply(Delivered("c")));
    }

    [Fact]
    public void A_uid_matches_only_a_message_of_the_size_it_was_recorded_with_and_a_uid_without_size_matches_any()
    {
        var ledger = UidLedger.Empty.Apply(Delivered("legacy"))
            .Apply(new LedgerChange(["d1"], ["r1"], []) { Sizes = new Dictionary<string, long> { ["d1"] = 10, ["r1"] = 20, ["other"] = 5 } });

        Assert.True(ledger.Matches("d1", 10));
        Assert.False(ledger.Matches("d1", 11));
        Assert.False(ledger.Matches("r1", 10));
        Assert.True(ledger.Matches("legacy", 12345));
        Assert.False(ledger.Sizes.ContainsKey("other"));
        Assert.NotEqual(ledger, UidLedger.Empty.Apply(Delivered("legacy", "d1")).Apply(Rejected("r1")));

        var pruned = ledger.Apply(Removed("d1"));
        Assert.False(pruned.Sizes.ContainsKey("d1"));
        Assert.True(pruned.Apply(Delivered("d1")).Matches("d1", 11));
        Assert.True(ledger.Apply(new LedgerChange(["d1"], [], []) { Sizes = new Dictionary<string, long> { ["d1"] = 11 } }).Matches("d1", 11));
    }

    [Fact]
    public void An_empty_change_is_empty_and_any_uid_makes_it_not()
    {
        Assert.True(new LedgerChange([], [], []).IsEmpty);
        Assert.False(Delivered("x").IsEmpty);
        Assert.False(Rejected("x").IsEmpty);
        Assert.False(Removed("x").IsEmpty);
    }
}
