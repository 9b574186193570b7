using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>Each RPOP record's UID ledger: imported, changed per batch, and gone with the record.</summary>
public class AccountStateLedgerTests
{
    private static readonly DateTimeOffset T1 = Now.AddMinutes(10);
    private readonly AccountState _state = AccountState.Empty(Alice).With(Rpop("Work"), Rpop("Home")).With(Rimap("Work"));

    [Fact]
    public void ImportUids_on_an_unknown_record_is_refused_naming_Name()
    {
        Refusal.Names("Name", "there is no RPOP record 'Nope'", () => _state.Process(new ImportUids(Alice, "Nope", ["u1"]), Context()));
    }

    [Fact]
    public void ImportUids_on_a_name_that_is_only_an_RIMAP_record_is_refused()
    {
        var state = AccountState.Empty(Alice).With(Rimap("Gmail"));

        Refusal.Names("Name", "there is no RPOP record", () => state.Process(new ImportUids(Alice, "Gmail", ["u1"]), Context()));
    }

    [Fact]
    public void ImportUids_records_the_uids_as_delivered_once_each_under_the_record_name()
    {
        var (state, events) = _state.Run(new ImportUids(Alice, "WORK", ["u1", "u2", "u1"]));

        var changed = Assert.IsType<LedgerChanged>(Assert.Single(events));
        Assert.Equal("Work", changed.Name);
        Assert.Equal(new[] { "u1", "u2" }, changed.Change.Delivered);
        Assert.Empty(changed.Change.Rejected);
        Assert.Empty(changed.Change.Removed);
        Assert.Equal(["u1", "u2"], state.LedgerOf("Work").Delivered.Order());
        Assert.Equal(UidLedger.Empty, state.LedgerOf("Home"));
    }

    [Fact]
    public void ImportUids_adds_to_the_ledger_and_moves_a_rejected_uid_to_delivered()
    {
        var state = _state.Apply(new LedgerChanged("Work", new LedgerChange(["d1"], ["r1", "r2"], [])));

        var (after, _) = state.Run(new ImportUids(Alice, "Work", ["r1", "n1"]));

        Assert.Equal(["d1", "n1", "r1"], after.LedgerOf("Work").Delivered.Order());
        Assert.Equal(["r2"], after.LedgerOf("Work").Rejected);
    }

    [Fact]
    public void ImportUids_of_uids_already_delivered_changes_nothing()
    {
        var state = _state.Run(new ImportUids(Alice, "Work", ["u1", "u2"])).State;

        Assert.Empty(state.Process(new ImportUids(Alice, "Work", ["u2", "u1"]), Context()));
        Assert.Empty(state.Process(new ImportUids(Alice, "Work", []), Context()));
    }

    [Fact]
    public void ImportUids_of_some_new_uids_records_only_the_new_ones()
    {
        var state = _state.Run(new ImportUids(Alice, "Work", ["u1"])).State;

        var changed = Assert.IsType<LedgerChanged>(Assert.Single(state.Process(new ImportUids(Alice, "Work", ["u1", "u2"]), Context())));

        Assert.Equal(new[] { "u2" }, changed.Change.Delivered);
    }

    [Fact]
    public void LedgerChanged_applies_a_batch_to_its_record_only()
    {
        var state = _state
            .Apply(new LedgerChanged("Work", new LedgerChange(["d1", "d2"], ["r1"], [])))
            .Apply(new LedgerChanged("home", new LedgerChange(["h1"], [], [])))
            .Apply(new LedgerChanged("Work", new LedgerChange(["r1"], [], ["d1"])));

        Assert.Equal(["d2", "r1"], state.LedgerOf("work").Delivered.Order());
        Assert.Empty(state.LedgerOf("Work").Rejected);
        Assert.Equal(["h1"], state.LedgerOf("Home").Delivered);
    }

    [Fact]
    public void A_record_without_a_ledger_has_the_empty_one()
    {
        Assert.Same(UidLedger.Empty, _state.LedgerOf("Work"));
        Assert.Same(UidLedger.Empty, _state.LedgerOf("Nope"));
    }

    [Fact]
    public void Events_for_a_record_that_is_gone_are_ignored()
    {
        var state = _state.Run(new RemoveRecord(Alice, RecordKind.Rpop, "Home")).State;

        Assert.Same(state, state.Apply(new LedgerChanged("Home", new LedgerChange(["u1"], [], []))));
        Assert.Same(state, state.Apply(new PollSucceeded(RecordKind.Rpop, "Home", T1, 1, 10)));
        Assert.Same(state, state.Apply(new PollFailed(RecordKind.Rpop, "Home", T1, PollErrorKind.ConnectionFailed, "refused")));
        Assert.False(state.Ledgers.ContainsKey("Home"));
    }

    [Fact]
    public void Removing_an_RPOP_record_drops_its_ledger_and_status_and_a_new_one_starts_afresh()
    {
        var state = _state
            .Apply(new LedgerChanged("Work", new LedgerChange(["d1"], ["r1"], [])))
            .Apply(new LedgerChanged("Home", new LedgerChange(["h1"], [], [])))
            .Apply(new PollFailed(RecordKind.Rpop, "Work", T1, PollErrorKind.ConnectionFailed, "refused"));

        var removed = state.Run(new RemoveRecord(Alice, RecordKind.Rpop, "work")).State;
        var recreated = removed.With(Rpop("Work"));

        Assert.False(removed.Ledgers.ContainsKey("Work"));
        Assert.Equal(RecordStatus.Never, removed.StatusOf(RecordKind.Rpop, "Work"));
        Assert.Equal(["h1"], removed.LedgerOf("Home").Delivered);
        Assert.Equal(UidLedger.Empty, recreated.LedgerOf("Work"));
        Assert.Equal(RecordStatus.Never, recreated.StatusOf(RecordKind.Rpop, "Work"));
    }

    [Fact]
    public void Setting_an_RPOP_record_to_Never_drops_its_ledger()
    {
        var state = _state.Apply(new LedgerChanged("Work", new LedgerChange(["d1"], [], [])));

        var (after, events) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "Never" }));

        Assert.IsType<RecordRemoved>(Assert.Single(events));
        Assert.False(after.Ledgers.ContainsKey("Work"));
    }

    [Fact]
    public void A_whole_set_replacement_drops_the_ledger_of_a_record_left_out_and_keeps_the_others()
    {
        var state = _state
            .Apply(new LedgerChanged("Work", new LedgerChange(["d1"], [], [])))
            .Apply(new LedgerChanged("Home", new LedgerChange(["h1"], [], [])));

        var after = state.Run(new ReplaceRpopRecords(Alice, [Rpop("Work")])).State;

        Assert.False(after.Ledgers.ContainsKey("Home"));
        Assert.Equal(["d1"], after.LedgerOf("Work").Delivered);
    }

    [Fact]
    public void Removing_the_RIMAP_record_of_the_same_name_keeps_the_RPOP_ledger_and_status()
    {
        var state = _state
            .Apply(new LedgerChanged("Work", new LedgerChange(["d1"], [], [])))
            .Apply(new PollSucceeded(RecordKind.Rpop, "Work", T1, 1, 10));

        var after = state.Run(new RemoveRecord(Alice, RecordKind.Rimap, "Work")).State;

        Assert.Equal(["d1"], after.LedgerOf("Work").Delivered);
        Assert.Equal(T1, after.StatusOf(RecordKind.Rpop, "Work").Last);
    }

    [Fact]
    public void PollRecord_on_an_RPOP_record_validates_the_name_and_has_no_events()
    {
        Assert.Empty(_state.Process(new PollRecord(Alice, RecordKind.Rpop, "HOME", Wait: false), Context()));
        Refusal.Names("Name", "there is no RPOP record 'Nope'", () => _state.Process(new PollRecord(Alice, RecordKind.Rpop, "Nope", true), Context()));
    }
}
