using System.Text;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// Tells a message a POP3 server made up in place of the one in the maildrop. RFC 6856 §3: a server not in UTF8 mode
/// may not send a message with UTF-8 headers as it is; it serves a substitute instead: a notice with the original
/// attached as <c>message/global</c> (Courier: "Cannot display Unicode content"), or a downgraded copy carrying
/// <c>Downgraded-*</c> fields (RFC 6857). Delivering that and deleting the original would lose the original.
/// Only consulted when the session is not in UTF8 mode. A message/global part counts only from a server that
/// advertised UTF8 (one that knows internationalized mail, and so makes such notices); a real message attaching one
/// is then left on the server too, which is the safe side.
/// </summary>
public static class Pop3Substitute
{
    private static readonly byte[] Global = "message/global"u8.ToArray();
    private static readonly byte[] ContentType = "content-type:"u8.ToArray();
    private static readonly byte[] Downgraded = "downgraded-"u8.ToArray();

    /// <summary>Why <paramref name="message"/> looks substituted, or null when it does not.</summary>
    /// <param name="serverKnowsUtf8">The server advertised UTF8 (and the session is not in UTF8 mode).</param>
    public static string? Detect(ReadOnlySpan<byte> message, bool serverKnowsUtf8)
    {
        var header = true;
        var at = 0;
        while (at < message.Length)
        {
            var lf = message[at..].IndexOf((byte)'\n');
            var line = lf < 0 ? message[at..] : message[at..(at + lf)];
            at = lf < 0 ? message.Length : at + lf + 1;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (header && line.IsEmpty) header = false;
            if (header && StartsWithIgnoreCase(line, Downgraded))
            {
                var colon = line.IndexOf((byte)':');
                var name = Encoding.ASCII.GetString(colon < 0 ? line : line[..colon]);
                return $"it carries a {name} field (RFC 6857 downgrade)";
            }
            if (serverKnowsUtf8 && StartsWithIgnoreCase(line, ContentType) && IsGlobal(line[ContentType.Length..]))
                return "it holds a message/global part (the server's notice in place of a message with UTF-8 headers)";
        }
        return null;
    }

    /// <summary>message/global itself (not message/global-headers etc., which notices do not wrap originals in).</summary>
    private static bool IsGlobal(ReadOnlySpan<byte> value)
    {
        value = value.TrimStart(" \t"u8);
        if (!StartsWithIgnoreCase(value, Global)) return false;
        var rest = value[Global.Length..];
        return rest.IsEmpty || rest[0] is (byte)';' or (byte)' ' or (byte)'\t';
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerPrefix)
    {
        if (line.Length < lowerPrefix.Length) return false;
        for (var i = 0; i < lowerPrefix.Length; i++)
        {
            var b = line[i];
            if (b is >= (byte)'A' and <= (byte)'Z') b = (byte)(b + 32);
            if (b != lowerPrefix[i]) return false;
        }
        return true;
    }
}
