using System.Collections.Immutable;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>RIMAP state in the account: folder marks per record, and Try Now orders (extOrder).</summary>
public class AccountStateRimapTests
{
    private static readonly DateTimeOffset T1 = Now.AddMinutes(10);
    private static readonly DateTimeOffset T2 = Now.AddMinutes(20);
    private readonly AccountState _state = AccountState.Empty(Alice).With(Rimap("Gmail"), Rimap("Work")).With(Rpop("Work"));

    private static ImmutableDictionary<string, FolderMark> Marks(params (string Folder, FolderMark Mark)[] marks) =>
        marks.ToImmutableDictionary(m => m.Folder, m => m.Mark, StringComparer.Ordinal);

    [Fact]
    public void A_record_never_mirrored_has_no_marks()
    {
        Assert.Empty(_state.MarksOf("Gmail"));
        Assert.Empty(_state.MarksOf("Nope"));
    }

    [Fact]
    public void Marks_are_kept_per_record_and_per_folder_and_a_later_mark_replaces_an_earlier_one()
    {
        var state = _state
            .Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(7, 10)))
            .Apply(new RimapFolderMarked("Gmail", "Sent", new FolderMark(8, 3)))
            .Apply(new RimapFolderMarked("Work", "INBOX", new FolderMark(99, 1)))
            .Apply(new RimapFolderMarked("gmail", "INBOX", new FolderMark(7, 25)));

        Assert.Equal(Marks(("INBOX", new FolderMark(7, 25)), ("Sent", new FolderMark(8, 3))), state.MarksOf("Gmail"));
        Assert.Equal(Marks(("INBOX", new FolderMark(99, 1))), state.MarksOf("WORK"));
    }

    [Fact]
    public void A_null_mark_forgets_the_folder_only()
    {
        var state = _state
            .Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(7, 10)))
            .Apply(new RimapFolderMarked("Gmail", "Old", new FolderMark(7, 4)))
            .Apply(new RimapFolderMarked("Gmail", "Old", null));

        Assert.Equal(Marks(("INBOX", new FolderMark(7, 10))), state.MarksOf("Gmail"));
    }

    [Fact]
    public void Removing_an_RIMAP_record_drops_its_marks_and_status_and_a_new_one_starts_afresh()
    {
        var state = _state
            .Apply(new RimapFolderMarked("Work", "INBOX", new FolderMark(7, 10)))
            .Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(1, 2)))
            .Apply(new PollFailed(RecordKind.Rimap, "Work", T1, PollErrorKind.AuthenticationFailed, "NO"));

        var removed = state.Run(new RemoveRecord(Alice, RecordKind.Rimap, "WORK")).State;
        var recreated = removed.With(Rimap("Work"));

        Assert.False(removed.Marks.ContainsKey("Work"));
        Assert.Equal(RecordStatus.Never, removed.StatusOf(RecordKind.Rimap, "Work"));
        Assert.Equal(Marks(("INBOX", new FolderMark(1, 2))), removed.MarksOf("Gmail"));
        Assert.Empty(recreated.MarksOf("Work"));
    }

    [Fact]
    public void Removing_the_RPOP_record_of_the_same_name_keeps_the_RIMAP_marks()
    {
        var state = _state.Apply(new RimapFolderMarked("Work", "INBOX", new FolderMark(7, 10)));

        var after = state.Run(new RemoveRecord(Alice, RecordKind.Rpop, "Work")).State;

        Assert.Equal(Marks(("INBOX", new FolderMark(7, 10))), after.MarksOf("Work"));
    }

    [Fact]
    public void PollRecord_on_an_RIMAP_record_places_an_order_at_the_context_time()
    {
        var ctx = Context() with { Now = T2 };

        var (state, events) = _state.Run(new PollRecord(Alice, RecordKind.Rimap, "GMAIL", Wait: true), ctx);

        Assert.Equal(new RimapOrderPlaced("Gmail", T2), Assert.Single(events));
        Assert.Equal(T2, state.Rimap["Gmail"].ExtOrder);
        Assert.Null(state.Rimap["Work"].ExtOrder);
    }

    [Fact]
    public void PollRecord_on_a_Disabled_RIMAP_record_still_places_an_order()
    {
        var state = _state.With(new RimapRecordChange("Gmail") { Every = "Disabled" });
        Assert.True(state.Rimap["Gmail"].Period.IsDisabled);

        Assert.IsType<RimapOrderPlaced>(Assert.Single(state.Process(new PollRecord(Alice, RecordKind.Rimap, "Gmail", false), Context())));
    }

    [Fact]
    public void PollRecord_on_an_unknown_RIMAP_record_is_refused_naming_Name()
    {
        var rpopOnly = AccountState.Empty(Alice).With(Rpop("Home"));

        Refusal.Names("Name", "there is no RIMAP record 'Nope'", () => _state.Process(new PollRecord(Alice, RecordKind.Rimap, "Nope", false), Context()));
        Refusal.Names("Name", "there is no RIMAP record 'Home'", () => rpopOnly.Process(new PollRecord(Alice, RecordKind.Rimap, "Home", false), Context()));
    }

    [Fact]
    public void RimapOrderCleared_clears_the_order_it_served()
    {
        var state = _state.Apply(new RimapOrderPlaced("Gmail", T1));

        Assert.Null(state.Apply(new RimapOrderCleared("Gmail", T1)).Rimap["Gmail"].ExtOrder);
    }

    [Fact]
    public void RimapOrderCleared_keeps_a_newer_order_placed_during_the_poll()
    {
        var state = _state.Apply(new RimapOrderPlaced("Gmail", T1)).Apply(new RimapOrderPlaced("Gmail", T2));

        var after = state.Apply(new RimapOrderCleared("Gmail", T1));

        Assert.Equal(T2, after.Rimap["Gmail"].ExtOrder);
    }

    [Fact]
    public void RimapOrderCleared_without_a_pending_order_changes_nothing()
    {
        Assert.Same(_state, _state.Apply(new RimapOrderCleared("Gmail", T1)));
    }

    [Fact]
    public void Editing_an_RIMAP_record_keeps_its_pending_order()
    {
        var state = _state.Apply(new RimapOrderPlaced("Gmail", T1));

        var after = state.With(new RimapRecordChange("Gmail") { Every = "1h" });

        Assert.Equal(T1, after.Rimap["Gmail"].ExtOrder);
    }

    [Fact]
    public void Rimap_events_for_a_record_that_is_gone_are_ignored()
    {
        var state = _state.Run(new RemoveRecord(Alice, RecordKind.Rimap, "Gmail")).State;

        Assert.Same(state, state.Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(1, 1))));
        Assert.Same(state, state.Apply(new RimapOrderPlaced("Gmail", T1)));
        Assert.Same(state, state.Apply(new RimapOrderCleared("Gmail", T1)));
        Assert.Same(state, state.Apply(new PollSucceeded(RecordKind.Rimap, "Gmail", T1, 0, 0)));
        Assert.False(state.Marks.ContainsKey("Gmail"));
    }

    [Fact]
    public void Rimap_events_for_an_RPOP_only_name_are_ignored()
    {
        var state = AccountState.Empty(Alice).With(Rpop("Home"));

        Assert.Same(state, state.Apply(new RimapFolderMarked("Home", "INBOX", new FolderMark(1, 1))));
        Assert.Same(state, state.Apply(new RimapOrderPlaced("Home", T1)));
    }
}
