using RemotePoll.Cli;

namespace RemotePoll.Cli.Tests;

/// <summary>rpoll's tables line up on a terminal whatever the script of the cells: columns are padded by display width.</summary>
public sealed class TextTableTests
{
    [Theory]
    [InlineData("INBOX", 5)]
    [InlineData("收件箱", 6)]                 // CJK ideographs: two columns each
    [InlineData("メール/仕事", 11)]            // katakana and ideographs around an ASCII slash
    [InlineData("받은편지함", 10)]              // Hangul syllables
    [InlineData("ＡＢ", 4)]                    // fullwidth Latin
    [InlineData("Cafe\u0301", 4)]             // e + combining acute accent: one column
    [InlineData("\u1100\u1161\u11A8", 2)]     // a Hangul syllable from conjoining jamo: one wide cell
    [InlineData("a\u200Bb", 2)]               // zero width space
    [InlineData("📬", 2)]                      // an emoji outside the BMP: one rune, two columns
    [InlineData("", 0)]
    public void Display_width_counts_wide_characters_twice_and_combining_marks_not_at_all(string text, int width) =>
        Assert.Equal(width, TextTable.DisplayWidth(text));

    [Fact]
    public void Columns_after_a_CJK_cell_start_at_the_same_terminal_column()
    {
        var table = TextTable.Render(["FOLDER", "MESSAGES", "NOTE"],
        [
            ["INBOX", "3", "-"],
            ["收件箱/工作", "12", "-"],
            ["Cafe\u0301", "1", "-"],
        ]);
        // FOLDER is 11 columns wide (收件箱/工作: five wide characters and a slash), MESSAGES 8, then the gaps of 2.
        Assert.Equal(string.Join("\n",
            "FOLDER" + Spaces(5 + 2) + "MESSAGES" + Spaces(2) + "NOTE",
            "INBOX" + Spaces(6 + 2) + "3" + Spaces(7 + 2) + "-",
            "收件箱/工作" + Spaces(0 + 2) + "12" + Spaces(6 + 2) + "-",
            "Cafe\u0301" + Spaces(7 + 2) + "1" + Spaces(7 + 2) + "-"), table);
    }

    private static string Spaces(int n) => new(' ', n);

    [Fact]
    public void A_table_without_rows_says_none_and_the_last_column_is_not_padded()
    {
        Assert.Equal("NAME  LAST\n(none)", TextTable.Render(["NAME", "LAST"], []));
        Assert.Equal("NAME  LAST\nx     2026-12-03 10:00:00", TextTable.Render(["NAME", "LAST"], [["x", "2026-12-03 10:00:00"]]));
    }
}
