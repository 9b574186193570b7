using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RecordNameTests
{
    [Theory]
    [InlineData("Work")]
    [InlineData("My ISP account")]
    [InlineData("gmail-2 (old)")]
    [InlineData("Bo\u00eete de r\u00e9ception")]
    [InlineData("a.b")]
    public void Accepts_names_that_are_valid_folder_and_file_names(string name)
    {
        Assert.Null(RecordName.Check(name));
    }

    [Fact]
    public void Accepts_64_characters_and_refuses_65()
    {
        Assert.Null(RecordName.Check(new string('n', 64)));
        Assert.Equal("is longer than 64 characters", RecordName.Check(new string('n', 65)));
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("   ", "is required")]
    [InlineData(" Work", "starts or ends with white space")]
    [InlineData("Work ", "starts or ends with white space")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("..", "starts with '.'")]
    [InlineData("a\tb", "control character U+0009")]
    [InlineData("a\nb", "control character U+000A")]
    public void Refuses_names_that_cannot_be_folder_or_file_names(string? name, string reason)
    {
        var why = RecordName.Check(name);

        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('/')]
    [InlineData('\\')]
    [InlineData(':')]
    [InlineData('*')]
    [InlineData('?')]
    [InlineData('"')]
    [InlineData('<')]
    [InlineData('>')]
    [InlineData('|')]
    [InlineData('%')]
    public void Refuses_a_character_that_cannot_be_in_a_folder_or_file_name(char c)
    {
        var why = RecordName.Check($"a{c}b");

        Assert.Equal($"contains '{c}', which cannot be in a folder or file name", why);
    }
}
