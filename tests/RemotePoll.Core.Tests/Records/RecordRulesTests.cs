using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RecordRulesTests
{
    [Theory]
    [InlineData("postmaster@example.com", "example.com", true)]
    [InlineData("Postmaster@Example.COM", "example.com", true)]
    [InlineData("postmaster@other.example", "example.com", false)]
    [InlineData("alice@example.com", "example.com", false)]
    [InlineData("postmaster@example.com", null, false)]
    [InlineData("xpostmaster@example.com", "example.com", false)]
    public void Special_is_allowed_only_on_postmaster_of_the_main_domain(string account, string? mainDomain, bool allowed)
    {
        Assert.Equal(allowed, RecordRules.For(account, mainDomain).SpecialAllowed);
    }
}
