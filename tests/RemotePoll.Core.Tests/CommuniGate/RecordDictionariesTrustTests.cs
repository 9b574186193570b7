using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Tests.Accounts;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

/// <summary>A record's TLS trust in the CommuniGate dictionaries: shown when not the default, read back, kept when absent.</summary>
public sealed class RecordDictionariesTrustTests
{
    private static readonly string Hex = new('b', 64);

    private static RpopRecord Rpop(TlsTrustChange? trust) =>
        (AccountFixture.Rpop("r1") with { Trust = trust }).ApplyTo(null, new RecordRules(false), TestSealers.Create())!;

    [Fact]
    public void A_pinned_record_prints_its_pin_and_reads_back_the_same_trust()
    {
        var pinned = Rpop(new TlsTrustChange { Pin = "sha256:" + Hex });
        var text = CgpPrinter.Print(RecordDictionaries.FromRpop([pinned], null));
        Assert.Contains($"tlsPin=\"sha256:{Hex}\"", text);

        var change = RecordDictionaries.ToRpopChanges(CgpParser.Parse(text)).Single();
        Assert.Equal(pinned.Trust, change.ApplyTo(pinned, new RecordRules(false), TestSealers.Create())!.Trust);
    }

    [Fact]
    public void Accept_any_prints_as_YES_and_the_default_prints_nothing()
    {
        Assert.Contains("tlsAcceptAny=YES", CgpPrinter.Print(RecordDictionaries.FromRpop([Rpop(new TlsTrustChange { AcceptAny = true })], null)));
        Assert.DoesNotContain("tls", CgpPrinter.Print(RecordDictionaries.FromRpop([Rpop(null)], null)));
    }

    [Fact]
    public void A_set_without_trust_keys_keeps_the_stored_trust_and_an_empty_one_clears_it()
    {
        var pinned = Rpop(new TlsTrustChange { Spki = "sha256:" + Hex });
        var sealer = TestSealers.Create();
        var keep = RecordDictionaries.ToRpopChanges(CgpParser.Parse("{ r1 = { domain = pop.example.net; authName = alice; }; }")).Single();
        Assert.Equal(pinned.Trust, keep.ApplyTo(pinned, new RecordRules(false), sealer)!.Trust);
        var clear = RecordDictionaries.ToRpopChanges(CgpParser.Parse("{ r1 = { domain = pop.example.net; authName = alice; tlsSpki = \"\"; }; }")).Single();
        Assert.Equal(TlsTrust.Validate, clear.ApplyTo(pinned, new RecordRules(false), sealer)!.Trust);
    }

    [Fact]
    public void A_bad_pin_in_an_RIMAP_set_names_the_record_field()
    {
        var change = RecordDictionaries.ToRimapChanges(CgpParser.Parse("{ m1 = { domain = imap.example.net; authName = a; password = p; tlsPin = \"sha256:12\"; }; }")).Single();
        Refusal.Names("TLS Pin", "is not a SHA-256 digest", () => change.ApplyTo(null, TestSealers.Create()));
    }
}
