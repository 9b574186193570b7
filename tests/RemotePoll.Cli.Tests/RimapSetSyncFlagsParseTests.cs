using RemotePoll.Cli;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cli.Tests;

/// <summary>Issue 20 point 3: rpoll rimap set --sync-flags yes|no, and the record list showing it.</summary>
public sealed class RimapSetSyncFlagsParseTests
{
    private static SetRimapRecord Parse(params string[] options) =>
        (SetRimapRecord)CommandTable.Parse(["rimap", "set", "john@example.com", "home", .. options], () => "", () => "").Command;

    [Theory]
    [InlineData("yes", true)]
    [InlineData("no", false)]
    public void Sync_flags_is_parsed(string value, bool sync) => Assert.Equal(sync, Parse("--sync-flags", value).Change.SyncFlags);

    [Fact]
    public void Without_sync_flags_the_stored_value_is_kept() => Assert.Null(Parse("--push", "yes").Change.SyncFlags);

    [Fact]
    public void Another_value_is_a_usage_error_naming_the_option()
    {
        var error = Assert.Throws<UsageException>(() => Parse("--sync-flags", "sometimes"));
        Assert.Contains("--sync-flags", error.Message);
    }

    [Fact]
    public void The_rimap_list_and_its_json_show_sync_flags()
    {
        var record = new RimapRecordView("work", "10m", "john", "imap.example.com", true, "SSL", "Normal", null, null, null, null, null,
            SyncFlags: true);
        var account = new AccountView("a@b.c", false, [], [record]);
        var lines = Output.Render(account, CliView.RimapRecords, json: false).Split('\n');
        var column = lines[0].IndexOf("SYNC FLAGS", StringComparison.Ordinal);
        Assert.True(column > 0, lines[0]);
        Assert.StartsWith("yes", lines[1][column..]);
        Assert.Contains("\"syncFlags\": true", Output.Render(account, CliView.RimapRecords, json: true));
    }
}
