using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Validation;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Accounts;

/// <summary>Issue 16.1: an RPOP Mailbox and a RIMAP mirror's folder tree are kept apart when a record is set.</summary>
public class AccountStateMirrorTreeTests
{
    [Theory]
    [InlineData("rec/INBOX")]
    [InlineData("REC/Deep/Folder")]
    [InlineData("rec")]
    public void An_RPOP_Mailbox_inside_a_mirrors_tree_is_refused_naming_the_field_and_nothing_changes(string mailbox)
    {
        var state = AccountState.Empty(Alice).With(Rimap("rec"));

        var error = Assert.Throws<ValidationException>(() => state.Process(new SetRpopRecord(Alice, Rpop("home") with { Mailbox = mailbox }), Context()));

        var field = Assert.Single(error.Errors);
        Assert.Equal("Mailbox", field.Field);
        Assert.Contains("RIMAP record 'rec'", field.Reason);
        Assert.Empty(state.Rpop);
    }

    [Theory]
    [InlineData("record/INBOX")]
    [InlineData("Archive/rec")]
    [InlineData("INBOX")]
    public void An_RPOP_Mailbox_outside_every_mirror_is_accepted(string mailbox)
    {
        var state = AccountState.Empty(Alice).With(Rimap("rec"));

        var (after, events) = state.Run(new SetRpopRecord(Alice, Rpop("home") with { Mailbox = mailbox }));

        Assert.IsType<RpopRecordSaved>(Assert.Single(events));
        Assert.Equal(mailbox, after.Rpop["home"].Mailbox);
    }

    [Fact]
    public void A_new_RIMAP_record_over_an_RPOP_Mailbox_is_refused_naming_the_field()
    {
        var state = AccountState.Empty(Alice).With(Rpop("home") with { Mailbox = "Rec/INBOX" });

        var error = Assert.Throws<ValidationException>(() => state.Process(new SetRimapRecord(Alice, Rimap("rec")), Context()));

        var field = Assert.Single(error.Errors);
        Assert.Equal("Name", field.Field);
        Assert.Contains("RPOP record 'home'", field.Reason);
        Assert.Empty(state.Rimap);
    }

    [Fact]
    public void A_whole_set_replacement_is_held_to_the_same_rule()
    {
        var state = AccountState.Empty(Alice).With(Rimap("rec"));

        var error = Assert.Throws<ValidationException>(() => state.Process(
            new ReplaceRpopRecords(Alice, [Rpop("home") with { Mailbox = "rec/INBOX" }]), Context()));

        Assert.Contains(error.Errors, e => e.Field == "home: Mailbox");
    }
}
