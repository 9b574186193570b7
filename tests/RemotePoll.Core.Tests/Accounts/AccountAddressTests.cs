using RemotePoll.Core.Accounts;
using Xunit;

namespace RemotePoll.Core.Tests.Accounts;

public class AccountAddressTests
{
    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("  Alice@Example.COM ", "alice@example.com")]
    [InlineData("first.last+tag@mail.example.org", "first.last+tag@mail.example.org")]
    [InlineData("postmaster@localhost", "postmaster@localhost")]
    public void Normalizes_an_address_to_lower_case(string text, string expected)
    {
        Assert.Equal(expected, AccountAddress.Normalize(text));
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("   ", "is required")]
    [InlineData("alice", "is not of the form user@domain")]
    [InlineData("@example.com", "is not of the form user@domain")]
    [InlineData("alice@", "is not of the form user@domain")]
    [InlineData("a@b@example.com", "is not of the form user@domain")]
    [InlineData("al ice@example.com", "character not allowed")]
    [InlineData("alice@exa mple.com", "character not allowed")]
    [InlineData("alice/../x@example.com", "character not allowed")]
    [InlineData("alice\r\n@example.com", "character not allowed")]
    [InlineData("<alice@example.com>", "character not allowed")]
    [InlineData("alice@example.com:25", "has a bad domain")]
    [InlineData("alice@-example.com", "has a bad domain")]
    [InlineData("alice@exa!mple.com", "has a bad domain")]
    public void Refuses_what_is_not_an_account_address_naming_the_field(string? text, string reason)
    {
        Refusal.Names("account", reason, () => AccountAddress.Normalize(text));
    }

    [Fact]
    public void Refuses_an_address_longer_than_254_characters()
    {
        var ok = new string('a', 254 - "@example.com".Length) + "@example.com";

        Assert.Equal(ok, AccountAddress.Normalize(ok));
        Refusal.Names("account", "longer than 254", () => AccountAddress.Normalize("a" + ok));
    }
}
