using RemotePoll.Cli;
using RemotePoll.Core.Accounts.Commands;

namespace RemotePoll.Cli.Tests;

/// <summary>Issue 21.6: rpoll rpop set --tls takes yes (implicit TLS), starttls (STLS) or no.</summary>
public sealed class RpopSetParseTests
{
    private static SetRpopRecord Parse(params string[] options) =>
        (SetRpopRecord)CommandTable.Parse(["rpop", "set", "john@example.com", "home", .. options], () => "", () => "").Command;

    [Theory]
    [InlineData("starttls", false, true)]
    [InlineData("STARTTLS", false, true)]
    [InlineData("yes", true, false)]
    [InlineData("no", false, false)]
    public void TLS_mode_is_parsed(string value, bool tls, bool startTls)
    {
        var change = Parse("--tls", value).Change;
        Assert.Equal((tls, startTls), (change.Tls, change.StartTls));
    }

    [Fact]
    public void Without_tls_both_are_kept_as_stored() =>
        Assert.Equal((null, null), (Parse("--leave", "yes").Change.Tls, Parse("--leave", "yes").Change.StartTls));

    [Fact]
    public void Another_value_is_a_usage_error_naming_the_option()
    {
        var error = Assert.Throws<UsageException>(() => Parse("--tls", "maybe"));
        Assert.Contains("--tls", error.Message);
        Assert.Contains("starttls", error.Message);
    }
}
