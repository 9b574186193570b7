using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class SpecialHeaderTests
{
    [Theory]
    [InlineData("X-Real-To")]
    [InlineData("Delivered-To")]
    [InlineData("*")]
    public void Accepts_a_header_field_name_or_a_star(string value)
    {
        Assert.Null(SpecialHeader.Check(value));
    }

    [Theory]
    [InlineData("X-Real-To:", "is not a header field name")]
    [InlineData("X Real To", "is not a header field name")]
    [InlineData("X-R\u00e9al", "is not a header field name")]
    [InlineData("X-Real\r\nBcc", "is not a header field name")]
    [InlineData("", "is empty")]
    public void Refuses_what_is_not_a_header_field_name(string value, string reason)
    {
        var why = SpecialHeader.Check(value);

        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_name_longer_than_76_characters()
    {
        Assert.Null(SpecialHeader.Check(new string('X', 76)));
        Assert.Equal("is longer than 76 characters", SpecialHeader.Check(new string('X', 77)));
    }
}
