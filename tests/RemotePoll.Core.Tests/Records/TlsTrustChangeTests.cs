using RemotePoll.Core.Records;
using RemotePoll.Core.Tests.Accounts;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

/// <summary>A record's TLS trust as the CLI and the dictionaries set it: one way at a time, fields named when wrong.</summary>
public sealed class TlsTrustChangeTests
{
    private const string Hex = "3f8a0b3c6d1e2f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";

    private static RpopRecord Save(TlsTrustChange change, RpopRecord? existing = null) =>
        (AccountFixture.Rpop("r1") with { Trust = change, Password = existing is null ? AccountFixture.Secret : null })
            .ApplyTo(existing, new RecordRules(false), TestSealers.Create())!;

    [Fact]
    public void A_new_record_validates_by_default_and_lists_it()
    {
        var r = AccountFixture.Rpop("r1").ApplyTo(null, new RecordRules(false), TestSealers.Create())!;
        Assert.Equal(TlsTrust.Validate, r.Trust);
        Assert.Equal("validate", r.Trust.ToString());
    }

    [Theory]
    [InlineData("sha256:" + Hex)]
    [InlineData("SHA256:3F:8A:0B:3C:6D:1E:2F:40:51:62:73:84:95:A6:B7:C8:D9:E0:F1:A2:B3:C4:D5:E6:F7:08:19:2A:3B:4C:5D:6E")]
    [InlineData("sha256/P4oLPG0eL0BRYnOElaa3yNng8aKzxNXm9wgZKjtMXW4=")]
    public void A_certificate_pin_is_read_as_hex_colon_hex_or_base64(string pin)
    {
        var r = Save(new TlsTrustChange { Pin = pin });
        Assert.Equal(TlsTrust.CertificatePin(Hex), r.Trust);
        Assert.Equal("cert sha256:" + Hex, r.Trust.ToString());
    }

    [Fact]
    public void A_public_key_pin_is_kept_as_such() =>
        Assert.Equal("spki sha256:" + Hex, Save(new TlsTrustChange { Spki = "sha256:" + Hex }).Trust.ToString());

    [Theory]
    [InlineData("3f8a", "must start with sha256:")]
    [InlineData("sha256:3f8a", "is not a SHA-256 digest")]
    [InlineData("sha256:zz8a0b3c6d1e2f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e", "is not a SHA-256 digest")]
    public void A_malformed_pin_is_refused_naming_the_field(string pin, string reason)
    {
        Refusal.Names("TLS Pin", reason, () => Save(new TlsTrustChange { Pin = pin }));
        Refusal.Names("TLS SPKI", reason, () => Save(new TlsTrustChange { Spki = pin }));
    }

    [Fact]
    public void A_CA_file_must_be_an_absolute_path() =>
        Refusal.Names("TLS CA File", "is not an absolute path", () => Save(new TlsTrustChange { CaFile = "ca.pem" }));

    [Fact]
    public void Two_ways_of_trust_at_once_are_refused() =>
        Refusal.Names("TLS Accept Any", "cannot be combined with TLS Pin", () => Save(new TlsTrustChange { Pin = "sha256:" + Hex, AcceptAny = true }));

    [Fact]
    public void Accept_any_is_an_explicit_opt_in_and_no_returns_to_validation()
    {
        var any = Save(new TlsTrustChange { AcceptAny = true });
        Assert.Equal("accept-any", any.Trust.ToString());
        var unchanged = Save(new TlsTrustChange { Pin = null }, any);
        Assert.Equal(TlsTrust.AcceptAny, unchanged.Trust);
        Assert.Equal(TlsTrust.Validate, Save(new TlsTrustChange { AcceptAny = false }, any).Trust);
    }

    [Fact]
    public void A_new_way_replaces_the_old_one_and_an_empty_value_clears_it()
    {
        var pinned = Save(new TlsTrustChange { Pin = "sha256:" + Hex });
        var ca = Save(new TlsTrustChange { CaFile = "/etc/ssl/private-ca.pem" }, pinned);
        Assert.Equal(TlsTrust.CaFile("/etc/ssl/private-ca.pem"), ca.Trust);
        Assert.Equal(TlsTrust.CaFile("/etc/ssl/private-ca.pem"), Save(new TlsTrustChange { Pin = "" }, ca).Trust);
        Assert.Equal(TlsTrust.Validate, Save(new TlsTrustChange { CaFile = "" }, ca).Trust);
    }

    [Fact]
    public void A_change_without_trust_keeps_the_stored_one_for_RIMAP_too()
    {
        var sealer = TestSealers.Create();
        var pinned = (AccountFixture.Rimap("m1") with { Trust = new TlsTrustChange { Spki = "sha256:" + Hex } }).ApplyTo(null, sealer)!;
        var changed = new RimapRecordChange("m1") { Every = "20m" }.ApplyTo(pinned, sealer)!;
        Assert.Equal(TlsTrust.PublicKeyPin(Hex), changed.Trust);
    }
}
