using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>SETACCOUNTRPOPS / SETACCOUNTRIMAPS: the given set replaces the account's set.</summary>
public class AccountStateReplaceTests
{
    private readonly AccountState _state = AccountState.Empty(Alice)
        .With(Rpop("Keep") with { Leave = true, Tls = true }, Rpop("Drop"));

    [Fact]
    public void Replace_removes_absent_records_and_keeps_omitted_passwords()
    {
        var keepPassword = _state.Rpop["Keep"].Password;
        var set = new ReplaceRpopRecords(Alice,
        [
            new RpopRecordChange("Keep") { Host = "pop.example.net", Tls = true, Leave = true, Every = "1h" },
            Rpop("New", password: "new-secret"),
        ]);

        var (after, events) = _state.Run(set);

        Assert.Contains(new RecordRemoved(RecordKind.Rpop, "Drop"), events);
        Assert.Equal(new[] { "Keep", "New" }, after.Rpop.Keys);
        Assert.Equal(keepPassword, after.Rpop["Keep"].Password);
        Assert.Equal(PollPeriod.Every(TimeSpan.FromHours(1)), after.Rpop["Keep"].Period);
        Assert.Equal("new-secret", TestSealers.Create().Unseal(after.Rpop["New"].Password));
    }

    [Fact]
    public void Replace_resets_the_flags_a_record_does_not_give()
    {
        var (after, _) = _state.Run(new ReplaceRpopRecords(Alice, [new RpopRecordChange("Keep")]));

        Assert.False(after.Rpop["Keep"].Leave);
        Assert.False(after.Rpop["Keep"].Tls);
    }

    [Fact]
    public void Replace_matches_existing_records_without_case()
    {
        var (after, events) = _state.Run(new ReplaceRpopRecords(Alice, [new RpopRecordChange("KEEP") { Leave = true, Tls = true }, new RpopRecordChange("drop")]));

        Assert.DoesNotContain(events, e => e is RecordRemoved);
        Assert.Equal(new[] { "Drop", "Keep" }, after.Rpop.Keys);
    }

    [Fact]
    public void Replace_with_an_empty_set_removes_every_record()
    {
        var (after, events) = _state.Run(new ReplaceRpopRecords(Alice, []));

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.IsType<RecordRemoved>(e));
        Assert.Empty(after.Rpop);
    }

    [Theory]
    [InlineData("Twin", "Twin")]
    [InlineData("Twin", "TWIN")]
    public void Replace_with_a_duplicate_name_is_refused(string first, string second)
    {
        Refusal.Names("Name", "appears more than once",
            () => _state.Process(new ReplaceRpopRecords(Alice, [Rpop(first), Rpop(second)]), Context()));
    }

    [Fact]
    public void Replace_with_one_bad_record_is_refused_as_a_whole_naming_the_record_and_field()
    {
        var set = new ReplaceRpopRecords(Alice,
        [
            new RpopRecordChange("Keep") { Host = "pop.example.net:99999" },
            Rpop("New", password: null),
        ]);

        var ex = Assert.Throws<ValidationException>(() => _state.Process(set, Context()));

        Assert.Contains(ex.Errors, e => e.Field == "Keep: at Host" && e.Reason.Contains("99999", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Field == "New: Password" && e.Reason.Contains("is required", StringComparison.Ordinal));
        Assert.Equal(2, _state.Rpop.Count);
    }

    [Fact]
    public void Replace_of_RIMAP_records_removes_absent_ones_and_resets_security_which_voids_the_password()
    {
        var state = AccountState.Empty(Alice).With(Rimap("A") with { Security = "SSL/TLS" }, Rimap("B"));

        var (after, events) = state.Run(new ReplaceRimapRecords(Alice, [new RimapRecordChange("a")]));

        Assert.Contains(new RecordRemoved(RecordKind.Rimap, "B"), events);
        Assert.Equal(new[] { "A" }, after.Rimap.Keys);
        Assert.Equal(ConnectionSecurity.None, after.Rimap["A"].Security);
        Assert.True(after.Rimap["A"].Password.IsNone);
    }

    [Fact]
    public void Replace_does_not_touch_the_other_kind()
    {
        var state = _state.With(Rimap("Gmail"));

        var (after, _) = state.Run(new ReplaceRpopRecords(Alice, []));

        Assert.Single(after.Rimap);
    }
}
