using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Tests.Accounts;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

/// <summary>Issue 20 point 1: the RIMAP record's Push, in the record, the CommuniGate dictionary and the module's push-connections.</summary>
public sealed class RimapPushSettingTests
{
    private static RimapRecord Apply(RimapRecordChange change, RimapRecord? existing = null) =>
        change.ApplyTo(existing, TestSealers.Create())!;

    [Fact]
    public void Push_is_off_by_default_set_by_a_change_and_kept_by_one_that_does_not_name_it()
    {
        var record = Apply(AccountFixture.Rimap("r1"));
        Assert.False(record.Push);

        var pushing = Apply(new RimapRecordChange("r1") { Push = true }, record);
        Assert.True(pushing.Push);
        Assert.True(Apply(new RimapRecordChange("r1") { Every = "5m" }, pushing).Push);
        Assert.False(Apply(new RimapRecordChange("r1") { Push = false }, pushing).Push);
    }

    [Fact]
    public void The_dictionary_prints_push_YES_and_reads_it_back()
    {
        var record = Apply(AccountFixture.Rimap("r1") with { Push = true });
        var text = CgpPrinter.Print(RecordDictionaries.FromRimap([record], null));
        Assert.Contains("push=YES", text);

        var back = RecordDictionaries.ToRimapChanges(CgpParser.Parse(text)).Single().ApplyTo(record, TestSealers.Create())!;
        Assert.True(back.Push);
        Assert.DoesNotContain("push", CgpPrinter.Print(RecordDictionaries.FromRimap([record with { Push = false }], null)));
    }

    [Fact]
    public void A_replaced_record_without_push_does_not_push()
    {
        var pushing = Apply(AccountFixture.Rimap("r1") with { Push = true });
        var change = RecordDictionaries.ToRimapChanges(CgpParser.Parse("{r1={domain=\"imap.example.com\";authName=a;password=p;};}")).Single();
        Assert.False(change.ApplyTo(pushing, TestSealers.Create())!.Push);
    }

    [Fact]
    public void A_bad_push_value_is_refused_naming_the_record_and_key()
    {
        var error = Assert.Throws<ValidationException>(() => RecordDictionaries.ToRimapChanges(CgpParser.Parse(
            "{r1={domain=\"imap.example.com\";authName=a;push=sometimes;};}")));
        var field = Assert.Single(error.Errors);
        Assert.Equal("r1: push", field.Field);
        Assert.Contains("'sometimes' is not YES or NO", field.Reason);
    }

    [Fact]
    public void Push_connections_is_zero_by_default_set_by_module_set_and_shown()
    {
        Assert.Equal(0, ModuleSettings.Default.PushConnections);
        var set = ModuleSettings.Default.With("push-connections", "25");
        Assert.Equal(25, set.PushConnections);
        Assert.Equal(10, set.Processes);
        Assert.Contains(new KeyValuePair<string, string>("push-connections", "25"), set.ToPairs());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("10001")]
    public void A_bad_push_connections_is_refused_naming_the_key(string value)
    {
        Refusal.Names("push-connections", "is not a whole number from 0 to", () => ModuleSettings.Default.With("push-connections", value));
    }
}
