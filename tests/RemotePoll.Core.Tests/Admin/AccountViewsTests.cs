using System.Text.Json;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Tests.Accounts;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Admin;

public class AccountViewsTests
{
    private static readonly DateTimeOffset PolledAt = Now.AddMinutes(3);
    private static readonly DateTimeOffset FailedAt = Now.AddMinutes(4);

    private readonly AccountState _state = AccountState.Empty(Alice)
        .With(Rpop("Work") with { Host = "pop.example.net:1100", Leave = true, Mailbox = "ISP" })
        .With(Rimap("Gmail") with { Security = "STARTTLS", AuthMethod = "Encrypted", ListFilter = "INBOX*", Every = "Disabled" })
        .Apply(new PollSucceeded(RecordKind.Rpop, "Work", PolledAt, 2, 100))
        .Apply(new PollFailed(RecordKind.Rimap, "Gmail", FailedAt, PollErrorKind.AuthenticationFailed, "NO [AUTHENTICATIONFAILED]"));

    [Fact]
    public void The_view_shows_the_configuration_and_the_status_of_each_record()
    {
        var view = AccountViews.Of(_state);

        Assert.Equal(Alice, view.Address);
        var rpop = Assert.Single(view.Rpop);
        Assert.Equal(new RpopRecordView("Work", "10m", "alice", "pop.example.net:1100", true,
            true, false, false, "ISP", null, PolledAt, null, null, EffectiveEvery: "10m"), rpop);
        var rimap = Assert.Single(view.Rimap);
        Assert.Equal(new RimapRecordView("Gmail", "Disabled", "alice", "imap.example.net", true,
            "STARTTLS", "Encrypted", "INBOX*", null, null, "NO [AUTHENTICATIONFAILED]", "AuthenticationFailed"), rimap);
    }

    [Fact]
    public void The_view_never_exposes_a_password_in_clear_or_sealed()
    {
        var view = AccountViews.Of(_state);
        var json = JsonSerializer.Serialize(view);
        var text = view + string.Join("", view.Rpop) + string.Join("", view.Rimap);

        foreach (var shown in new[] { json, text })
        {
            Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(_state.Rpop["Work"].Password.Ciphertext, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(_state.Rimap["Gmail"].Password.Ciphertext, shown, StringComparison.Ordinal);
            Assert.DoesNotContain("v1:k1:", shown, StringComparison.Ordinal);
        }
        Assert.Contains("\"HasPassword\":true", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_view_shows_CanModifyRPOP()
    {
        var state = _state.Apply(new AccountSettingsChanged(new AccountSettings(CanModifyRpop: true)));

        Assert.True(AccountViews.Of(state).CanModifyRpop);
        Assert.False(AccountViews.Of(_state).CanModifyRpop);
    }
}
