using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Tests.Accounts;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.CommuniGate;

/// <summary>Issue 21.6: RPOP TLS in the CommuniGate dictionaries: YES (implicit, as before), STARTTLS, or absent.</summary>
public sealed class RecordDictionariesTlsTests
{
    private static readonly RecordRules Rules = new(false);

    private static RpopRecord Rpop(RpopRecordChange change) => change.ApplyTo(null, Rules, TestSealers.Create())!;

    private static RpopRecord RoundTrip(RpopRecord record)
    {
        var text = CgpPrinter.Print(RecordDictionaries.FromRpop([record], null));
        return RecordDictionaries.ToRpopChanges(CgpParser.Parse(text)).Single().ApplyTo(record, Rules, TestSealers.Create())!;
    }

    [Fact]
    public void A_STARTTLS_record_prints_TLS_STARTTLS_and_reads_back_the_same()
    {
        var stls = Rpop(AccountFixture.Rpop("r1") with { StartTls = true });
        Assert.Contains("TLS=STARTTLS", CgpPrinter.Print(RecordDictionaries.FromRpop([stls], null)));

        var back = RoundTrip(stls);
        Assert.Equal((false, true), (back.Tls, back.StartTls));
        Assert.Equal(stls.Destination, back.Destination);
        Assert.False(back.Password.IsNone);
    }

    [Fact]
    public void Old_dictionaries_read_as_before_TLS_YES_is_implicit_TLS_and_no_TLS_is_plain()
    {
        var changes = RecordDictionaries.ToRpopChanges(CgpParser.Parse(
            "{tls={domain=\"pop.example.com\";authName=a;password=p;TLS=YES;};plain={domain=\"pop.example.com\";authName=a;password=p;};}"));
        var tls = changes.Single(c => c.Name == "tls");
        var plain = changes.Single(c => c.Name == "plain");
        Assert.Equal((true, false), (tls.Tls, tls.StartTls));
        Assert.Equal((false, false), (plain.Tls, plain.StartTls));
        Assert.Equal((true, false, 995), (Rpop(tls).Tls, Rpop(tls).StartTls, Rpop(tls).Port));
        Assert.Contains("TLS=YES", CgpPrinter.Print(RecordDictionaries.FromRpop([Rpop(tls)], null)));
        Assert.DoesNotContain("TLS=", CgpPrinter.Print(RecordDictionaries.FromRpop([Rpop(plain)], null)));
    }

    [Fact]
    public void Another_TLS_value_is_refused_naming_the_record_and_key()
    {
        var error = Assert.Throws<ValidationException>(() => RecordDictionaries.ToRpopChanges(CgpParser.Parse(
            "{home={domain=\"pop.example.com\";authName=a;TLS=MAYBE;};}")));
        var field = Assert.Single(error.Errors);
        Assert.Equal("home: TLS", field.Field);
        Assert.Contains("STARTTLS", field.Reason);
    }
}
