using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Tests.Accounts;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

/// <summary>Records of account users: the module's minimum Poll Every and no CA file on the nodes; administrators' records are not limited.</summary>
public sealed class UserRecordLimitsTests
{
    private static AccountContext Ctx(ModuleSettings? settings = null) => AccountFixture.Context() with { Settings = settings };

    [Fact]
    public void A_user_record_polling_more_often_than_the_minimum_is_refused_and_nothing_changes()
    {
        var state = AccountState.Empty(AccountFixture.Alice);
        var change = AccountFixture.Rpop("r1") with { Every = "1m", ByAccountUser = true };
        Refusal.Names("Poll Every", "shorter than 5m", () => state.Process(new SetRpopRecord(state.Address, change), Ctx()));
        Refusal.Names("Poll Every", "shorter than 10m",
            () => state.Process(new SetRimapRecord(state.Address, AccountFixture.Rimap("m1") with { Every = "5m", ByAccountUser = true }),
                Ctx(ModuleSettings.Default.With("user-min-poll-every", "10m"))));
    }

    [Fact]
    public void The_minimum_applies_only_to_user_records_and_allows_disabled()
    {
        var state = AccountState.Empty(AccountFixture.Alice);
        Assert.Single(state.Process(new SetRpopRecord(state.Address, AccountFixture.Rpop("r1") with { Every = "1m" }), Ctx()));
        Assert.Single(state.Process(new SetRpopRecord(state.Address, AccountFixture.Rpop("r1") with { Every = "disabled", ByAccountUser = true }), Ctx()));
        Assert.Single(state.Process(new SetRpopRecord(state.Address, AccountFixture.Rpop("r1") with { Every = "5m", ByAccountUser = true }), Ctx()));
    }

    [Fact]
    public void A_user_record_may_not_name_a_CA_file_on_the_nodes_but_may_pin()
    {
        var state = AccountState.Empty(AccountFixture.Alice);
        Refusal.Names("TLS CA File", "only an administrator", () => state.Process(new SetRpopRecord(state.Address,
            AccountFixture.Rpop("r1") with { ByAccountUser = true, Trust = new TlsTrustChange { CaFile = "/etc/passwd" } }), Ctx()));
        var (after, _) = state.Run(new SetRpopRecord(state.Address,
            AccountFixture.Rpop("r1") with { ByAccountUser = true, Trust = new TlsTrustChange { Spki = "sha256:" + new string('0', 64) } }), Ctx());
        Assert.True(after.Rpop["r1"].ByAccountUser);
        Assert.Equal(TlsTrustMode.PublicKeyPin, after.Rpop["r1"].Trust.Mode);
    }

    [Fact]
    public void By_account_user_is_kept_when_a_change_does_not_say()
    {
        var state = AccountState.Empty(AccountFixture.Alice).With(AccountFixture.Rpop("r1") with { ByAccountUser = true });
        var (after, _) = state.Run(new SetRpopRecord(state.Address, new RpopRecordChange("r1") { Every = "20m" }));
        Assert.True(after.Rpop["r1"].ByAccountUser);
    }
}
