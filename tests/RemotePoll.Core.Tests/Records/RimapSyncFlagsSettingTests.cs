using RemotePoll.Core.Accounts;
using RemotePoll.Core.Admin;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Tests.Accounts;
using RemotePoll.Core.Validation;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

/// <summary>Issue 20 point 3: the RIMAP record's Sync Flags, in the record, the CommuniGate dictionary and the record view.</summary>
public sealed class RimapSyncFlagsSettingTests
{
    private static RimapRecord Apply(RimapRecordChange change, RimapRecord? existing = null) =>
        change.ApplyTo(existing, TestSealers.Create())!;

    [Fact]
    public void Sync_flags_is_off_by_default_set_by_a_change_and_kept_by_one_that_does_not_name_it()
    {
        var record = Apply(AccountFixture.Rimap("r1"));
        Assert.False(record.SyncFlags);

        var syncing = Apply(new RimapRecordChange("r1") { SyncFlags = true }, record);
        Assert.True(syncing.SyncFlags);
        Assert.True(Apply(new RimapRecordChange("r1") { Every = "5m", Push = true }, syncing).SyncFlags);
        Assert.False(Apply(new RimapRecordChange("r1") { SyncFlags = false }, syncing).SyncFlags);
    }

    [Fact]
    public void The_dictionary_prints_syncFlags_YES_and_reads_it_back()
    {
        var record = Apply(AccountFixture.Rimap("r1") with { SyncFlags = true });
        var text = CgpPrinter.Print(RecordDictionaries.FromRimap([record], null));
        Assert.Contains("syncFlags=YES", text);

        var back = RecordDictionaries.ToRimapChanges(CgpParser.Parse(text)).Single().ApplyTo(record with { SyncFlags = false }, TestSealers.Create())!;
        Assert.True(back.SyncFlags);
        Assert.DoesNotContain("syncFlags", CgpPrinter.Print(RecordDictionaries.FromRimap([record with { SyncFlags = false }], null)));
    }

    [Fact]
    public void A_replaced_record_without_syncFlags_does_not_sync_flags()
    {
        var syncing = Apply(AccountFixture.Rimap("r1") with { SyncFlags = true });
        var change = RecordDictionaries.ToRimapChanges(CgpParser.Parse("{r1={domain=\"imap.example.com\";authName=a;password=p;};}")).Single();
        Assert.False(change.ApplyTo(syncing, TestSealers.Create())!.SyncFlags);
    }

    [Fact]
    public void A_bad_syncFlags_value_is_refused_naming_the_record_and_key()
    {
        var error = Assert.Throws<ValidationException>(() => RecordDictionaries.ToRimapChanges(CgpParser.Parse(
            "{r1={domain=\"imap.example.com\";authName=a;syncFlags=often;};}")));
        var field = Assert.Single(error.Errors);
        Assert.Equal("r1: syncFlags", field.Field);
        Assert.Contains("'often' is not YES or NO", field.Reason);
    }

    [Fact]
    public void The_record_view_shows_sync_flags()
    {
        var empty = AccountState.Empty("a@b.c");
        var state = empty with { Rimap = empty.Rimap.Add("r1", Apply(AccountFixture.Rimap("r1") with { SyncFlags = true })) };
        Assert.True(Assert.Single(AccountViews.Of(state).Rimap).SyncFlags);
    }
}
