using System.Globalization;
using System.Text;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// Where a remote folder is mirrored: remote <c>A/B</c> (whatever the server's delimiter) is local
/// <c>RECORD/A/B</c>, one <see cref="MailboxPath"/> segment per hierarchy level. A name the local store cannot
/// hold (an empty level, a control character, a character that is the local store's own delimiter…) is mapped
/// instead: in every level '%', '.', '/', '\' and control characters become <c>%XX</c> (hex of each UTF-8 byte)
/// and an empty level becomes a lone <c>%</c>. <see cref="Unescape"/> reverses it.
/// </summary>
internal static class RimapFolderNames
{
    /// <summary>The hierarchy levels of a remote name; one level when the server has no delimiter.</summary>
    public static string[] Levels(string remoteName, char delimiter) =>
        delimiter == '\0' ? [remoteName] : remoteName.Split(delimiter);

    /// <summary>The local folder as named on the server; null when a level is empty or holds a control character.</summary>
    public static MailboxPath? Natural(MailboxPath root, string remoteName, char delimiter)
    {
        var levels = Levels(remoteName, delimiter);
        if (levels.Any(l => l.Length == 0 || l.Any(char.IsControl))) return null;
        return MailboxPath.FromSegments([.. root.Segments, .. levels]);
    }

    /// <summary>The local folder with every level escaped.</summary>
    public static MailboxPath Mapped(MailboxPath root, string remoteName, char delimiter) =>
        MailboxPath.FromSegments([.. root.Segments, .. Levels(remoteName, delimiter).Select(Escape)]);

    public static string Escape(string level)
    {
        if (level.Length == 0) return "%";
        var sb = new StringBuilder(level.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in level.EnumerateRunes())
        {
            if (rune.Value is '%' or '.' or '/' or '\\' || Rune.IsControl(rune))
            {
                var n = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..n]) sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    public static string Unescape(string level)
    {
        if (level == "%") return "";
        if (!level.Contains('%')) return level;
        var bytes = new List<byte>(level.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < level.Length; i++)
        {
            if (level[i] == '%' && i + 2 < level.Length
                && byte.TryParse(level.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
                continue;
            }
            Rune.DecodeFromUtf16(level.AsSpan(i), out var rune, out var used);
            bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
            i += used - 1;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
