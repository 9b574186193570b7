using RemotePoll.Core.Admin;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using Xunit;
using static RemotePoll.Core.Tests.Accounts.AccountFixture;

namespace RemotePoll.Core.Tests.Records;

/// <summary>
/// A password goes only where it was given: a change of host, port, TLS, trust or login name without a new password
/// voids the stored one (issue 16.3); other changes keep it.
/// </summary>
public class RecordDestinationTests
{
    private const string Pin = "sha256:" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
    private static readonly RecordRules Plain = new(SpecialAllowed: false);
    private readonly AesGcmSecretSealer _sealer = TestSealers.Create();

    private RpopRecord Pop() =>
        new RpopRecordChange("Home") { Every = "1h", AuthName = "john", Host = "pop.provider.com", Password = Secret, Tls = true }
            .ApplyTo(null, Plain, _sealer)!;

    private RimapRecord Imap() =>
        new RimapRecordChange("Work") { Every = "1h", AuthName = "john", Host = "imap.provider.com", Password = Secret, Security = "SSL/TLS" }
            .ApplyTo(null, _sealer)!;

    public static TheoryData<string, RpopRecordChange> RpopRetargets => new()
    {
        { "host", new RpopRecordChange("Home") { Host = "pop.attacker.example" } },
        { "port", new RpopRecordChange("Home") { Host = "pop.provider.com:1995" } },
        { "TLS off", new RpopRecordChange("Home") { Tls = false } },
        { "TLS to STARTTLS", new RpopRecordChange("Home") { StartTls = true } },
        { "trust", new RpopRecordChange("Home") { Trust = new TlsTrustChange { AcceptAny = true } } },
        { "pin", new RpopRecordChange("Home") { Trust = new TlsTrustChange { Pin = Pin } } },
        { "login name", new RpopRecordChange("Home") { AuthName = "john@attacker.example" } },
    };

    [Theory]
    [MemberData(nameof(RpopRetargets))]
    public void Rpop_change_of_destination_without_password_voids_the_stored_one(string what, RpopRecordChange change)
    {
        var changed = change.ApplyTo(Pop(), Plain, _sealer)!;

        Assert.True(changed.Password.IsNone, what);
        Assert.True(changed.Password == SealedSecret.None, what);
    }

    [Theory]
    [MemberData(nameof(RpopRetargets))]
    public void Rpop_change_of_destination_with_a_new_password_keeps_the_new_one(string what, RpopRecordChange change)
    {
        var changed = (change with { Password = "given-again" }).ApplyTo(Pop(), Plain, _sealer)!;

        Assert.Equal("given-again", _sealer.Unseal(changed.Password));
        Assert.False(changed.Password.IsNone, what);
    }

    [Fact]
    public void Rpop_changes_that_keep_the_destination_keep_the_password()
    {
        var before = Pop();

        var changed = new RpopRecordChange("Home")
        {
            Every = "10m", Leave = true, Apop = true, Mailbox = "Archive", Host = "POP.Provider.COM:995", Tls = true,
        }.ApplyTo(before, Plain, _sealer)!;

        Assert.Equal(before.Password, changed.Password);
        Assert.Equal(Secret, _sealer.Unseal(changed.Password));
    }

    public static TheoryData<string, RimapRecordChange> RimapRetargets => new()
    {
        { "host", new RimapRecordChange("Work") { Host = "imap.attacker.example" } },
        { "port", new RimapRecordChange("Work") { Host = "imap.provider.com:143" } },
        { "security", new RimapRecordChange("Work") { Security = "None" } },
        { "trust", new RimapRecordChange("Work") { Trust = new TlsTrustChange { AcceptAny = true } } },
        { "login name", new RimapRecordChange("Work") { AuthName = "someone-else" } },
    };

    [Theory]
    [MemberData(nameof(RimapRetargets))]
    public void Rimap_change_of_destination_without_password_voids_the_stored_one(string what, RimapRecordChange change)
    {
        var changed = change.ApplyTo(Imap(), _sealer)!;

        Assert.True(changed.Password.IsNone, what);
    }

    [Fact]
    public void Rimap_changes_that_keep_the_destination_keep_the_password()
    {
        var before = Imap();

        var changed = new RimapRecordChange("Work") { Every = "5m", ListFilter = "INBOX*", AuthMethod = "Encrypted", Host = "imap.provider.com:993" }
            .ApplyTo(before, _sealer)!;

        Assert.Equal(before.Password, changed.Password);
    }

    [Fact]
    public void A_void_password_stays_void_until_one_is_given()
    {
        var voided = new RpopRecordChange("Home") { Host = "pop.other.example" }.ApplyTo(Pop(), Plain, _sealer)!;

        var later = new RpopRecordChange("Home") { Leave = true }.ApplyTo(voided, Plain, _sealer)!;
        var back = new RpopRecordChange("Home") { Host = "pop.provider.com" }.ApplyTo(later, Plain, _sealer)!;
        var given = new RpopRecordChange("Home") { Password = "new-one" }.ApplyTo(back, Plain, _sealer)!;

        Assert.True(later.Password.IsNone);
        Assert.True(back.Password.IsNone);
        Assert.Equal("new-one", _sealer.Unseal(given.Password));
    }

    [Fact]
    public void Setaccountrpops_without_password_for_a_record_whose_host_changed_voids_it_and_the_view_says_so()
    {
        var state = AccountState.Empty(Alice).With(Rpop("Home") with { Tls = true });
        var set = RecordDictionaries.ToRpopChanges(CgpParser.Parse("{Home={domain=\"pop.attacker.example\";authName=alice;TLS=YES;period=10m;};}"));

        var (after, _) = state.Run(new ReplaceRpopRecords(Alice, set));

        Assert.True(after.Rpop["Home"].Password.IsNone);
        Assert.False(AccountViews.Of(after).Rpop.Single().HasPassword);
        var printed = RecordDictionaries.FromRpop(after.Rpop.Values, TestSealers.Create().Unseal);
        Assert.False(((CgpDictionary)printed["Home"]).ContainsKey("password"));
    }

    [Fact]
    public void Setaccountrpops_of_what_getaccountrpops_printed_keeps_the_passwords()
    {
        var state = AccountState.Empty(Alice).With(Rpop("Home") with { Tls = true, Trust = new TlsTrustChange { Pin = Pin } });
        var printed = RecordDictionaries.FromRpop(state.Rpop.Values, unseal: null);

        var (after, events) = state.Run(new ReplaceRpopRecords(Alice, RecordDictionaries.ToRpopChanges(CgpParser.Parse(CgpPrinter.Print(printed)))));

        Assert.Empty(events);
        Assert.Equal(state.Rpop["Home"].Password, after.Rpop["Home"].Password);
    }

    [Fact]
    public void Setaccountrimaps_without_password_for_a_record_whose_host_changed_voids_it()
    {
        var state = AccountState.Empty(Alice).With(Rimap("Work"));
        var set = RecordDictionaries.ToRimapChanges(CgpParser.Parse("{Work={domain=\"imap.attacker.example\";authName=alice;period=10m;};}"));

        var (after, _) = state.Run(new ReplaceRimapRecords(Alice, set));

        Assert.True(after.Rimap["Work"].Password.IsNone);
        Assert.False(AccountViews.Of(after).Rimap.Single().HasPassword);
    }

    [Fact]
    public void Rotation_leaves_a_void_password_void()
    {
        var state = AccountState.Empty(Alice).With(Rpop("Home"));
        state = state.Run(new SetRpopRecord(Alice, new RpopRecordChange("Home") { Host = "pop.other.example" })).State;

        var events = state.ResealPasswords(TestSealers.Create("k2"));

        Assert.Empty(events);
    }

    [Fact]
    public void Rpop_STARTTLS_to_plain_on_the_same_port_voids_the_password_and_STARTTLS_is_its_own_transport()
    {
        var stls = new RpopRecordChange("Home") { Every = "1h", AuthName = "john", Host = "pop.provider.com", Password = Secret, StartTls = true }
            .ApplyTo(null, Plain, _sealer)!;
        Assert.Equal((false, true, 110, "STARTTLS"), (stls.Tls, stls.StartTls, stls.Port, stls.Destination.Transport));

        var plain = new RpopRecordChange("Home") { Tls = false, StartTls = false }.ApplyTo(stls, Plain, _sealer)!;

        Assert.Equal(110, plain.Port);
        Assert.True(plain.Password.IsNone);
        Assert.False(new RpopRecordChange("Home") { Leave = true }.ApplyTo(stls, Plain, _sealer)!.Password.IsNone);
    }

    [Fact]
    public void Rpop_TLS_and_STARTTLS_together_are_refused_naming_TLS()
    {
        var error = Assert.Throws<RemotePoll.Core.Validation.ValidationException>(() =>
            new RpopRecordChange("Home") { Tls = true, StartTls = true }.ApplyTo(Pop(), Plain, _sealer));
        Assert.Contains(error.Errors, e => e.Field == "TLS");
    }

    [Fact]
    public void Rimap_auth_method_Encrypted_to_Normal_voids_the_password_and_Normal_to_Encrypted_keeps_it()
    {
        var encrypted = new RimapRecordChange("Work") { AuthMethod = "Encrypted" }.ApplyTo(Imap(), _sealer)!;
        Assert.False(encrypted.Password.IsNone); // an upgrade keeps it

        var downgraded = new RimapRecordChange("Work") { AuthMethod = "Normal" }.ApplyTo(encrypted, _sealer)!;
        Assert.True(downgraded.Password.IsNone);

        var given = new RimapRecordChange("Work") { AuthMethod = "Normal", Password = "given-again" }.ApplyTo(encrypted, _sealer)!;
        Assert.Equal("given-again", _sealer.Unseal(given.Password));
    }
}
