using RemotePoll.Core.Ledgers;
using Xunit;

namespace RemotePoll.Core.Tests.Ledgers;

/// <summary>Reading a migrated private/rpopids/NAME file: one UID per line.</summary>
public class ParseUidFileTests
{
    [Fact]
    public void Reads_one_uid_per_line_in_order()
    {
        Assert.Equal(["u3", "u1", "u2"], UidLedger.ParseUidFile("u3\nu1\nu2\n"));
    }

    [Fact]
    public void The_last_line_needs_no_line_end()
    {
        Assert.Equal(["u1", "u2"], UidLedger.ParseUidFile("u1\nu2"));
    }

    [Fact]
    public void Crlf_line_ends_are_not_part_of_the_uid()
    {
        Assert.Equal(["u1", "u2"], UidLedger.ParseUidFile("u1\r\nu2\r\n"));
    }

    [Fact]
    public void Blank_and_whitespace_only_lines_are_ignored()
    {
        Assert.Equal(["u1", "u2"], UidLedger.ParseUidFile("\n\r\nu1\n   \n\t\r\nu2\n\n"));
    }

    [Fact]
    public void An_empty_file_has_no_uids()
    {
        Assert.Empty(UidLedger.ParseUidFile(""));
        Assert.Empty(UidLedger.ParseUidFile("\r\n\r\n"));
    }

    [Fact]
    public void A_uid_with_a_space_inside_is_refused_with_its_line_number_counting_blank_lines()
    {
        var ex = Refusal.Names("uids", "line 4", () => UidLedger.ParseUidFile("u1\r\n\r\nu2\r\nbad uid\r\nu3\r\n"));

        Assert.Contains("'bad uid'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("caf\u00e9")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    public void A_character_outside_0x21_to_0x7E_is_refused(string uid)
    {
        Refusal.Names("uids", "line 2: ", () => UidLedger.ParseUidFile($"ok\n{uid}\n"));
    }

    [Fact]
    public void A_uid_of_70_characters_is_accepted()
    {
        var uid = new string('x', 69) + "~";

        Assert.Equal([uid], UidLedger.ParseUidFile(uid + "\n"));
    }

    [Fact]
    public void A_uid_of_71_characters_is_refused_and_quoted_only_in_part()
    {
        var uid = new string('x', 71);

        var ex = Refusal.Names("uids", "line 1: ", () => UidLedger.ParseUidFile(uid));

        Assert.Contains($"'{new string('x', 40)}...'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(uid, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_printable_ascii_character_may_appear_in_a_uid()
    {
        var all = new string(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).ToArray());

        Assert.Equal([all[..70], all[70..]], UidLedger.ParseUidFile(all[..70] + "\n" + all[70..]));
    }
}
