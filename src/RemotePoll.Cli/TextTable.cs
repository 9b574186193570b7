using System.Globalization;
using System.Text;

namespace RemotePoll.Cli;

/// <summary>
/// Aligned text tables for a terminal. Columns are padded by display width, not by UTF-16 length: East Asian wide and
/// fullwidth characters (CJK folder names, say) take two columns, combining marks and other zero-width characters none.
/// </summary>
public static class TextTable
{
    private const string Gap = "  ";

    /// <summary>The header and the rows, each column as wide as its widest cell; "(none)" under the header when there are no rows.</summary>
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        if (all.Count == 1) return string.Join(Gap, header) + "\n(none)";
        var widths = header.Select((_, i) => all.Max(r => DisplayWidth(r[i]))).ToArray();
        var sb = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count; i++)
            {
                if (i > 0) line.Append(Gap);
                line.Append(row[i]);
                if (i < row.Count - 1) line.Append(' ', widths[i] - DisplayWidth(row[i]));
            }
            sb.AppendLine(line.ToString().TrimEnd());
        }
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>The columns <paramref name="text"/> takes on a terminal (as wcwidth counts them).</summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes()) width += Width(rune);
        return width;
    }

    private static int Width(Rune r)
    {
        var c = r.Value;
        if (c < 0x20 || c is >= 0x7F and < 0xA0) return 0;
        switch (Rune.GetUnicodeCategory(r))
        {
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format:
                return 0;
        }
        if (c is >= 0x1160 and <= 0x11FF) return 0; // Hangul medial vowels and final consonants join the syllable before
        return IsWide(c) ? 2 : 1;
    }

    /// <summary>East Asian Wide (W) and Fullwidth (F) characters (Unicode UAX #11), in the ranges terminals draw double.</summary>
    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F        // Hangul Jamo initial consonants
            or >= 0x231A and <= 0x231B or >= 0x2329 and <= 0x232A
            or >= 0x23E9 and <= 0x23EC or 0x23F0 or 0x23F3 or >= 0x25FD and <= 0x25FE
            or >= 0x2614 and <= 0x2615 or >= 0x2648 and <= 0x2653 or 0x267F or 0x2693 or 0x26A1
            or >= 0x26AA and <= 0x26AB or >= 0x26BD and <= 0x26BE or >= 0x26C4 and <= 0x26C5 or 0x26CE or 0x26D4 or 0x26EA
            or >= 0x26F2 and <= 0x26F3 or 0x26F5 or 0x26FA or 0x26FD or 0x2705 or >= 0x270A and <= 0x270B or 0x2728 or 0x274C
            or 0x274E or >= 0x2753 and <= 0x2755 or 0x2757 or >= 0x2795 and <= 0x2797 or 0x27B0 or 0x27BF
            or >= 0x2B1B and <= 0x2B1C or 0x2B50 or 0x2B55
            or >= 0x2E80 and <= 0x303E      // CJK radicals, Kangxi, CJK symbols and punctuation
            or >= 0x3041 and <= 0x33FF      // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
            or >= 0x3400 and <= 0x4DBF      // CJK extension A
            or >= 0x4E00 and <= 0x9FFF      // CJK unified ideographs
            or >= 0xA000 and <= 0xA4CF      // Yi
            or >= 0xA960 and <= 0xA97F      // Hangul Jamo extended A
            or >= 0xAC00 and <= 0xD7A3      // Hangul syllables
            or >= 0xF900 and <= 0xFAFF      // CJK compatibility ideographs
            or >= 0xFE10 and <= 0xFE19 or >= 0xFE30 and <= 0xFE6F // vertical forms, CJK compatibility forms, small forms
            or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 // fullwidth forms
            or >= 0x16FE0 and <= 0x18CFF or >= 0x1B000 and <= 0x1B2FF // Tangut, Kana supplement
            or 0x1F004 or 0x1F0CF or 0x1F18E or >= 0x1F191 and <= 0x1F19A or >= 0x1F200 and <= 0x1F251
            or >= 0x1F300 and <= 0x1F64F    // pictographs, emoticons
            or >= 0x1F680 and <= 0x1F6FF or >= 0x1F7E0 and <= 0x1F7EB
            or >= 0x1F90C and <= 0x1F9FF or >= 0x1FA70 and <= 0x1FAFF
            or >= 0x20000 and <= 0x2FFFD or >= 0x30000 and <= 0x3FFFD; // CJK extensions B and on
}
