using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>Last and Error: kept per record, apart from its configuration (spec, RPOP "Last", RIMAP "Error").</summary>
public class AccountStatusTests
{
    private static readonly DateTimeOffset T1 = Now.AddMinutes(10);
    private static readonly DateTimeOffset T2 = Now.AddMinutes(20);
    private static readonly DateTimeOffset T3 = Now.AddMinutes(30);
    private readonly AccountState _state = AccountState.Empty(Alice).With(Rpop("Work")).With(Rimap("Work"));

    [Fact]
    public void A_record_never_polled_has_no_Last_and_no_Error()
    {
        var s = _state.StatusOf(RecordKind.Rpop, "Work");

        Assert.Null(s.Last);
        Assert.Null(s.Error);
        Assert.False(s.Failed);
    }

    [Fact]
    public void PollSucceeded_sets_Last_and_the_counts()
    {
        var state = _state.Apply(new PollSucceeded(RecordKind.Rpop, "Work", T1, 3, 4096));

        var s = state.StatusOf(RecordKind.Rpop, "Work");
        Assert.Equal(T1, s.Last);
        Assert.Equal(3, s.LastMessages);
        Assert.Equal(4096, s.LastBytes);
        Assert.Null(s.Error);
    }

    [Fact]
    public void PollFailed_sets_Error_and_keeps_Last()
    {
        var state = _state
            .Apply(new PollSucceeded(RecordKind.Rpop, "Work", T1, 1, 10))
            .Apply(new PollFailed(RecordKind.Rpop, "Work", T2, PollErrorKind.AuthenticationFailed, "-ERR bad password"));

        var s = state.StatusOf(RecordKind.Rpop, "Work");
        Assert.Equal(T1, s.Last);
        Assert.Equal("-ERR bad password", s.Error);
        Assert.Equal(PollErrorKind.AuthenticationFailed, s.ErrorKind);
        Assert.Equal(T2, s.ErrorAt);
        Assert.True(s.Failed);
    }

    [Fact]
    public void PollSucceeded_clears_the_Error()
    {
        var state = _state
            .Apply(new PollFailed(RecordKind.Rpop, "Work", T1, PollErrorKind.ConnectionFailed, "refused"))
            .Apply(new PollSucceeded(RecordKind.Rpop, "Work", T2, 0, 0));

        var s = state.StatusOf(RecordKind.Rpop, "Work");
        Assert.Equal(T2, s.Last);
        Assert.Null(s.Error);
        Assert.Null(s.ErrorKind);
        Assert.Null(s.ErrorAt);
        Assert.False(s.Failed);
    }

    [Fact]
    public void Status_is_kept_per_kind()
    {
        var state = _state.Apply(new PollFailed(RecordKind.Rimap, "Work", T1, PollErrorKind.TlsFailed, "handshake"));

        Assert.Equal("handshake", state.StatusOf(RecordKind.Rimap, "Work").Error);
        Assert.Null(state.StatusOf(RecordKind.Rpop, "Work").Error);
    }

    [Fact]
    public void Status_names_are_compared_without_case()
    {
        var state = _state.Apply(new PollSucceeded(RecordKind.Rpop, "WORK", T1, 0, 0));

        Assert.Equal(T1, state.StatusOf(RecordKind.Rpop, "work").Last);
    }

    [Fact]
    public void Changing_a_record_keeps_its_status()
    {
        var state = _state.Apply(new PollSucceeded(RecordKind.Rpop, "Work", T1, 0, 0));

        var (after, _) = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "1h", Leave = true }));

        Assert.Equal(T1, after.StatusOf(RecordKind.Rpop, "Work").Last);
    }

    [Fact]
    public void Status_is_removed_with_the_record()
    {
        var state = _state.Apply(new PollFailed(RecordKind.Rpop, "Work", T1, PollErrorKind.MailboxLocked, "locked"));

        var (removed, _) = state.Run(new RemoveRecord(Alice, RecordKind.Rpop, "work"));
        var recreated = removed.With(Rpop("Work"));

        Assert.Equal(RecordStatus.Never, removed.StatusOf(RecordKind.Rpop, "Work"));
        Assert.Equal(RecordStatus.Never, recreated.StatusOf(RecordKind.Rpop, "Work"));
        Assert.Equal("", string.Join(",", removed.Status.Keys.Where(k => k.StartsWith("rpop/", StringComparison.Ordinal))));
    }

    [Fact]
    public void Poll_events_for_a_removed_record_are_ignored()
    {
        var (removed, _) = _state.Run(new SetRpopRecord(Alice, new RpopRecordChange("Work") { Every = "Never" }));

        var after = removed
            .Apply(new PollSucceeded(RecordKind.Rpop, "Work", T3, 5, 500))
            .Apply(new PollFailed(RecordKind.Rpop, "Work", T3, PollErrorKind.ConnectionLost, "lost"));

        Assert.Same(removed, after);
        Assert.Equal(RecordStatus.Never, after.StatusOf(RecordKind.Rpop, "Work"));
        Assert.False(after.Has(RecordKind.Rpop, "Work"));
    }
}
