using System.Text;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// IMAP modified UTF-7 (RFC 3501 5.1.3): printable ASCII stays, '&amp;' becomes "&amp;-", everything else is
/// UTF-16BE in modified base64 between '&amp;' and '-'. Dovecot names Maildir++ folders on disk this way.
/// </summary>
internal static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    public static string Encode(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is >= (char)0x20 and <= (char)0x7e)
            {
                sb.Append(c == '&' ? "&-" : c);
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && text[i] is < (char)0x20 or > (char)0x7e) i++;
            var bytes = Encoding.BigEndianUnicode.GetBytes(text, start, i - start);
            sb.Append('&');
            int bits = 0, buffer = 0;
            foreach (var b in bytes)
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 6)
                {
                    bits -= 6;
                    sb.Append(Alphabet[(buffer >> bits) & 0x3f]);
                }
            }
            if (bits > 0) sb.Append(Alphabet[(buffer << (6 - bits)) & 0x3f]);
            sb.Append('-');
        }
        return sb.ToString();
    }

    /// <summary>Decodes; returns null when the text is not valid modified UTF-7.</summary>
    public static string? Decode(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '&') { sb.Append(c); i++; continue; }
            var end = text.IndexOf('-', i + 1);
            if (end < 0) return null;
            if (end == i + 1) { sb.Append('&'); i = end + 1; continue; }
            var bytes = new List<byte>();
            int bits = 0, buffer = 0;
            for (var k = i + 1; k < end; k++)
            {
                var v = Alphabet.IndexOf(text[k]);
                if (v < 0) return null;
                buffer = (buffer << 6) | v;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    bytes.Add((byte)((buffer >> bits) & 0xff));
                }
            }
            if (bytes.Count % 2 != 0) return null;
            sb.Append(Encoding.BigEndianUnicode.GetString(bytes.ToArray()));
            i = end + 1;
        }
        return sb.ToString();
    }
}
