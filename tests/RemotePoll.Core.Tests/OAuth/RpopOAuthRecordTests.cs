using RemotePoll.Core.OAuth;
using RemotePoll.Core.Records;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.OAuth;

public class RpopOAuthRecordTests
{
    private static readonly RecordRules Plain = new(SpecialAllowed: false);
    private readonly RemotePoll.Core.Secrets.AesGcmSecretSealer _sealer = TestSealers.Create();

    private RpopRecord Connected()
    {
        var r = new RpopRecordChange("gmail") { AuthName = "joe@gmail.com", Host = "pop.gmail.com", Tls = true, OAuthProvider = "google" }
            .ApplyTo(null, Plain, _sealer)!;
        return r with { OAuth = r.OAuth! with { Grant = _sealer.Seal("refresh-token-1"), ConnectedAt = DateTimeOffset.UnixEpoch } };
    }

    [Fact]
    public void An_oauth2_record_needs_no_password_and_names_its_provider()
    {
        var r = Connected();
        Assert.Equal("google", r.OAuth!.Provider);
        Assert.Equal("", _sealer.Unseal(r.Password));
        Assert.Contains(Assert.Throws<ValidationException>(() => new RpopRecordChange("x") { AuthName = "a", Host = "h" }.ApplyTo(null, Plain, _sealer)).Errors,
            e => e.Field == "Password");
    }

    [Fact]
    public void The_grant_survives_unrelated_changes_but_a_new_host_port_TLS_setting_or_provider_voids_it()
    {
        var r = Connected();
        Assert.NotNull(new RpopRecordChange("gmail") { Leave = true, Every = "10m" }.ApplyTo(r, Plain, _sealer)!.OAuth!.Grant);
        Assert.NotNull(new RpopRecordChange("gmail") { Host = "pop.gmail.com" }.ApplyTo(r, Plain, _sealer)!.OAuth!.Grant);

        Assert.Null(new RpopRecordChange("gmail") { Host = "pop.attacker.example" }.ApplyTo(r, Plain, _sealer)!.OAuth!.Grant);
        Assert.Null(new RpopRecordChange("gmail") { Host = "pop.gmail.com:1995" }.ApplyTo(r, Plain, _sealer)!.OAuth!.Grant);
        Assert.Null(new RpopRecordChange("gmail") { Tls = false }.ApplyTo(r, Plain, _sealer)!.OAuth!.Grant);
        var moved = new RpopRecordChange("gmail") { OAuthProvider = "other" }.ApplyTo(r, Plain, _sealer)!.OAuth!;
        Assert.Equal("other", moved.Provider);
        Assert.Null(moved.Grant);
    }

    [Fact]
    public void Going_back_to_a_password_drops_the_grant_and_needs_the_password()
    {
        var r = Connected();
        Assert.Contains(Assert.Throws<ValidationException>(() => new RpopRecordChange("gmail") { OAuthProvider = "" }.ApplyTo(r, Plain, _sealer)).Errors,
            e => e.Field == "Password");
        var back = new RpopRecordChange("gmail") { OAuthProvider = "", Password = "pw" }.ApplyTo(r, Plain, _sealer)!;
        Assert.Null(back.OAuth);
        Assert.Equal("pw", _sealer.Unseal(back.Password));
        Assert.DoesNotContain("refresh-token-1", Connected().ToString(), StringComparison.Ordinal);
    }
}

public class RimapOAuthRecordTests
{
    private readonly RemotePoll.Core.Secrets.AesGcmSecretSealer _sealer = TestSealers.Create();

    [Fact]
    public void An_oauth2_rimap_record_needs_no_password_and_a_new_host_or_security_voids_its_grant()
    {
        var r = new RimapRecordChange("m365") { AuthName = "joe@contoso.com", Host = "outlook.office365.com", Security = "SSL/TLS", OAuthProvider = "m365" }
            .ApplyTo(null, _sealer)!;
        r = r with { OAuth = r.OAuth! with { Grant = _sealer.Seal("rt") } };

        Assert.NotNull(new RimapRecordChange("m365") { ListFilter = "INBOX*" }.ApplyTo(r, _sealer)!.OAuth!.Grant);
        Assert.Null(new RimapRecordChange("m365") { Host = "imap.elsewhere.example" }.ApplyTo(r, _sealer)!.OAuth!.Grant);
        Assert.Null(new RimapRecordChange("m365") { Security = "None" }.ApplyTo(r, _sealer)!.OAuth!.Grant);
        Assert.Null(new RimapRecordChange("m365") { OAuthProvider = "other" }.ApplyTo(r, _sealer)!.OAuth!.Grant);
    }
}
