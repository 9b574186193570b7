using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.OAuth;

/// <summary>Issue 17 part 3: a consent ends with the refresh token sealed on the record, unless the record moved on meanwhile.</summary>
public class OAuthGrantTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly RemotePoll.Core.Secrets.AesGcmSecretSealer _sealer = TestSealers.Create();

    private AccountContext Ctx => new(T, null, _sealer);

    private AccountState WithRecords()
    {
        var s = AccountState.Empty("joe@example.com");
        foreach (var e in s.Process(new SetRpopRecord("joe@example.com", new RpopRecordChange("box") { AuthName = "joe", Host = "pop.example", OAuthProvider = "gmail" }), Ctx))
            s = s.Apply(e);
        foreach (var e in s.Process(new SetRimapRecord("joe@example.com", new RimapRecordChange("mirror") { AuthName = "joe", Host = "imap.example", OAuthProvider = "gmail" }), Ctx))
            s = s.Apply(e);
        return s;
    }

    [Fact]
    public void A_consented_grant_is_stored_sealed_with_who_and_when()
    {
        var s = WithRecords();
        var events = s.Process(new StoreOAuthGrant("joe@example.com", RecordKind.Rimap, "MIRROR", "gmail", "rt-123", " joe@gmail.com ", T), Ctx);
        var stored = Assert.IsType<OAuthGrantStored>(Assert.Single(events));
        Assert.DoesNotContain("rt-123", stored.SignIn.Grant!.Ciphertext);
        s = s.Apply(stored);
        var signIn = s.Rimap["mirror"].OAuth!;
        Assert.Equal("rt-123", _sealer.Unseal(signIn.Grant!));
        Assert.Equal("joe@gmail.com", signIn.ConnectedAs);
        Assert.Equal(T, signIn.ConnectedAt);
        Assert.Null(s.Rpop["box"].OAuth!.Grant);
        Assert.DoesNotContain("rt-123", new StoreOAuthGrant("joe@example.com", RecordKind.Rimap, "mirror", "gmail", "rt-123", null, T).ToString());
    }

    [Fact]
    public void A_grant_for_a_provider_the_record_no_longer_uses_is_refused_and_nothing_changes()
    {
        var s = WithRecords();
        foreach (var e in s.Process(new SetRpopRecord("joe@example.com", new RpopRecordChange("box") { OAuthProvider = "outlook" }), Ctx)) s = s.Apply(e);
        var ex = Assert.Throws<ValidationException>(() =>
            s.Process(new StoreOAuthGrant("joe@example.com", RecordKind.Rpop, "box", "gmail", "rt-1", null, T), Ctx));
        Assert.Equal("Provider", Assert.Single(ex.Errors).Field);
        Assert.Contains("outlook", ex.Message);
        Assert.Throws<ValidationException>(() => s.Process(new StoreOAuthGrant("joe@example.com", RecordKind.Rpop, "nobox", "gmail", "rt-1", null, T), Ctx));
        Assert.Throws<ValidationException>(() => s.Process(new StoreOAuthGrant("joe@example.com", RecordKind.Rpop, "box", "outlook", "", null, T), Ctx));
    }

    [Fact]
    public void Key_rotation_reseals_grants()
    {
        var s = WithRecords();
        s = s.Apply(Assert.Single(s.Process(new StoreOAuthGrant("joe@example.com", RecordKind.Rpop, "box", "gmail", "rt-9", null, T), Ctx)));
        var newer = TestSealers.Create("k2");
        var resealed = s.ResealPasswords(newer).OfType<OAuthGrantStored>().ToList();
        var g = Assert.Single(resealed);
        Assert.False(newer.NeedsResealing(g.SignIn.Grant!));
        Assert.Equal("rt-9", newer.Unseal(g.SignIn.Grant!));
    }
}
