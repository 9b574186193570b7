using RemotePoll.Cli;
using RemotePoll.Core.Accounts.Commands;

namespace RemotePoll.Cli.Tests;

/// <summary>Issue 20 point 1: rpoll rimap set --push yes|no.</summary>
public sealed class RimapSetPushParseTests
{
    private static SetRimapRecord Parse(params string[] options) =>
        (SetRimapRecord)CommandTable.Parse(["rimap", "set", "john@example.com", "home", .. options], () => "", () => "").Command;

    [Theory]
    [InlineData("yes", true)]
    [InlineData("no", false)]
    public void Push_is_parsed(string value, bool push) => Assert.Equal(push, Parse("--push", value).Change.Push);

    [Fact]
    public void Without_push_the_stored_value_is_kept() => Assert.Null(Parse("--every", "5m").Change.Push);

    [Fact]
    public void Another_value_is_a_usage_error_naming_the_option()
    {
        var error = Assert.Throws<UsageException>(() => Parse("--push", "maybe"));
        Assert.Contains("--push", error.Message);
    }
}
