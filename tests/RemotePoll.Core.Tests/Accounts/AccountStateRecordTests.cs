using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

public class AccountStateRecordTests
{
    private readonly AccountState _empty = AccountState.Empty(Alice);

    [Fact]
    public void Setting_a_new_record_saves_it()
    {
        var (state, events) = _empty.Run(new SetRpopRecord(Alice, Rpop("Work")));

        var saved = Assert.IsType<RpopRecordSaved>(Assert.Single(events));
        Assert.Equal("Work", saved.Record.Name);
        Assert.Same(saved.Record, state.Rpop["Work"]);
        Assert.True(state.HasRecords);
    }

    [Fact]
    public void Setting_a_new_RIMAP_record_saves_it()
    {
        var (state, events) = _empty.Run(new SetRimapRecord(Alice, Rimap("Gmail")));

        Assert.IsType<RimapRecordSaved>(Assert.Single(events));
        Assert.Equal("imap.example.net", state.Rimap["Gmail"].Host.Host);
    }

    [Fact]
    public void An_empty_account_has_no_records()
    {
        Assert.False(_empty.HasRecords);
        Assert.Equal(Alice, _empty.Address);
        Assert.False(_empty.Settings.CanModifyRpop);
    }

    [Fact]
    public void Change_without_password_keeps_the_stored_one_and_the_other_fields()
    {
        var state = _empty.With(Rpop("Work") with { Leave = true, Mailbox = "ISP" });
        var before = state.Rpop["Work"];

        var (after, _) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "1h" }));

        Assert.Equal(before with { Period = PollPeriod.Every(TimeSpan.FromHours(1)) }, after.Rpop["Work"]);
        Assert.Equal(Secret, TestSealers.Create().Unseal(after.Rpop["Work"].Password));
    }

    [Fact]
    public void A_change_that_changes_nothing_has_no_events()
    {
        var state = _empty.With(Rpop("Work"));

        Assert.Empty(state.Process(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "10m", Host = "POP.example.net" }), Context()));
    }

    [Fact]
    public void Names_are_compared_without_case_and_keep_the_case_they_were_created_with()
    {
        var state = _empty.With(Rpop("Work"));

        var (after, events) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("WORK") { Every = "2h" }));

        var saved = Assert.IsType<RpopRecordSaved>(Assert.Single(events));
        Assert.Equal("Work", saved.Record.Name);
        Assert.Equal("Work", Assert.Single(after.Rpop.Keys));
        Assert.Equal(PollPeriod.Every(TimeSpan.FromHours(2)), after.Rpop["work"].Period);
    }

    [Fact]
    public void A_new_record_spelled_in_another_case_is_the_same_record_and_needs_no_password()
    {
        var state = _empty.With(Rpop("Work"));

        var (after, _) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("wOrK") { Leave = true }));

        Assert.Single(after.Rpop);
        Assert.True(after.Rpop["Work"].Leave);
    }

    [Fact]
    public void RPOP_and_RIMAP_records_may_share_a_name()
    {
        var state = _empty.With(Rpop("Mail")).With(Rimap("Mail"));

        Assert.Single(state.Rpop);
        Assert.Single(state.Rimap);
    }

    [Fact]
    public void Never_removes_the_record()
    {
        var state = _empty.With(Rpop("Work"), Rpop("Home"));

        var (after, events) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("work") { Every = "Never" }));

        Assert.Equal(new RecordRemoved(RecordKind.Rpop, "Work"), Assert.Single(events));
        Assert.Equal(new[] { "Home" }, after.Rpop.Keys);
    }

    [Fact]
    public void Never_removes_an_RIMAP_record()
    {
        var state = _empty.With(Rimap("Gmail"));

        var (after, events) = state.Run(new SetRimapRecord(Alice, new RimapRecordChange("Gmail") { Every = "never" }));

        Assert.Equal(new RecordRemoved(RecordKind.Rimap, "Gmail"), Assert.Single(events));
        Assert.Empty(after.Rimap);
    }

    [Fact]
    public void Never_on_a_record_that_does_not_exist_changes_nothing()
    {
        Assert.Empty(_empty.Process(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "Never" }), Context()));
    }

    [Fact]
    public void Remove_removes_the_record_found_without_case()
    {
        var state = _empty.With(Rimap("Gmail"));

        var (after, events) = state.Run(new RemoveRecord(Alice, RecordKind.Rimap, "GMAIL"));

        Assert.Equal(new RecordRemoved(RecordKind.Rimap, "Gmail"), Assert.Single(events));
        Assert.False(after.HasRecords);
    }

    [Fact]
    public void Remove_of_an_unknown_record_is_refused_naming_Name()
    {
        var state = _empty.With(Rpop("Work"));

        Refusal.Names("Name", "there is no RIMAP record 'Work'", () => state.Process(new RemoveRecord(Alice, RecordKind.Rimap, "Work"), Context()));
    }

    [Fact]
    public void A_refused_change_throws_and_leaves_the_state_as_it_was()
    {
        var state = _empty.With(Rpop("Work"));
        var before = state.Rpop["Work"];

        Refusal.Names("at Host", "port '0'",
            () => state.Process(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Host = "pop.example.net:0", Leave = true }), Context()));

        Assert.Same(before, state.Rpop["Work"]);
    }

    [Fact]
    public void A_new_record_without_password_is_refused()
    {
        Refusal.Names("Password", "is required", () => _empty.Process(new SetRpopRecord(Alice, Rpop("Work", password: null)), Context()));
        Refusal.Names("Password", "is required", () => _empty.Process(new SetRimapRecord(Alice, Rimap("Work", password: null)), Context()));
    }

    [Fact]
    public void Special_is_accepted_for_postmaster_of_the_main_domain()
    {
        var (state, _) = AccountState.Empty(Postmaster).Run(new SetRpopRecord(Postmaster, Rpop("Unified") with { Special = "X-Real-To" }));

        Assert.Equal("X-Real-To", state.Rpop["Unified"].Special);
    }

    [Fact]
    public void Unified_deliveries_are_kept_per_record_and_forgotten_with_it()
    {
        var (state, _) = AccountState.Empty(Postmaster).Run(new SetRpopRecord(Postmaster, Rpop("Unified") with { Special = "X-Real-To" }));
        var at = DateTimeOffset.UtcNow;
        state = state.Apply(new RemotePoll.Core.Accounts.Events.UnifiedDeliveriesRecorded("unified",
            new RemotePoll.Core.Unified.UnifiedChange(["m/alice"], ["c/alice"], at, TimeSpan.FromDays(1))));

        Assert.True(state.UnifiedLedgerOf("Unified").WasSeen("m/alice", at, TimeSpan.FromDays(1)));
        Assert.True(state.UnifiedLedgerOf("Unified").IsDone("c/alice"));
        state = state.Apply(new RemotePoll.Core.Accounts.Events.RecordRemoved(RecordKind.Rpop, "Unified"));
        Assert.Empty(state.UnifiedLedgerOf("Unified").Seen);
    }

    [Theory]
    [InlineData(Alice, "example.com")]
    [InlineData(Postmaster, "other.example")]
    [InlineData(Postmaster, null)]
    public void Special_is_refused_on_any_other_account(string account, string? mainDomain)
    {
        Refusal.Names("Special", "postmaster",
            () => AccountState.Empty(account).Process(new SetRpopRecord(account, Rpop("Unified") with { Special = "*" }), Context(mainDomain)));
    }

    [Fact]
    public void The_number_of_records_per_kind_is_bounded()
    {
        var state = AccountState.Empty(Alice);
        for (var i = 0; i < AccountState.MaxRecordsPerKind; i++) state = state.With(Rpop($"r{i}"));

        Refusal.Names("Name", "already has 100 RPOP records", () => state.Process(new SetRpopRecord(Alice, Rpop("one-more")), Context()));
        Assert.NotEmpty(state.Process(new SetRpopRecord(Alice, new RpopRecordChange("r7") { Leave = true }), Context()));
        Assert.NotEmpty(state.Process(new SetRimapRecord(Alice, Rimap("other-kind")), Context()));
    }

    [Fact]
    public void Account_settings_change_only_when_the_value_differs()
    {
        var (state, events) = _empty.Run(new SetAccountSettings(Alice, CanModifyRpop: true));

        Assert.IsType<AccountSettingsChanged>(Assert.Single(events));
        Assert.True(state.Settings.CanModifyRpop);
        Assert.Empty(state.Process(new SetAccountSettings(Alice, true), Context()));
        Assert.Empty(state.Process(new SetAccountSettings(Alice, null), Context()));
        Assert.False(state.Run(new SetAccountSettings(Alice, false)).State.Settings.CanModifyRpop);
    }

    [Fact]
    public void Queries_and_poll_orders_have_no_events()
    {
        var state = _empty.With(Rpop("Work"));

        Assert.Empty(state.Process(new GetAccount(Alice), Context()));
        Assert.Empty(state.Process(new PollRecord(Alice, RecordKind.Rpop, "Work", Wait: true), Context()));
    }

    [Fact]
    public void Saved_events_never_show_the_password()
    {
        var events = _empty.Process(new SetRpopRecord(Alice, Rpop("Work")), Context());

        var text = string.Join("\n", events);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("(sealed)", text, StringComparison.Ordinal);
    }
}
