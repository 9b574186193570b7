using System.Globalization;
using System.Text;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The mark every copy a RIMAP mirror stores carries as its first header field
/// (<c>X-RemotePoll-Mirror: rimap; uidvalidity=V; uid=U</c>), so that a refill removes the mirror's own copies
/// and nothing else: mail the user filed in the folder, or that another record delivered there, has no such first
/// field (RPOP copies start with <see cref="DeliveryStamp"/>, queue deliveries with Return-Path). The local IMAP
/// server keeps it (a header it can SEARCH); a Maildir file carries it in its first line.
/// </summary>
public static class MirrorStamp
{
    public const string HeaderName = "X-RemotePoll-Mirror";

    /// <summary>The start of every mark's value (the IMAP store searches for it).</summary>
    public const string ValuePrefix = "rimap;";

    /// <summary>The bytes read from the start of a file to find the mark: it is the first line.</summary>
    public const int SearchedBytes = 1024;

    /// <summary>The remote message with the mark prepended, in the message's own line ending.</summary>
    public static byte[] Stamp(ReadOnlySpan<byte> message, uint uidValidity, uint uid)
    {
        var lf = message.IndexOf((byte)'\n');
        var eol = lf > 0 && message[lf - 1] == '\r' ? "\r\n" : lf >= 0 ? "\n" : "\r\n";
        var field = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{HeaderName}: {ValuePrefix} uidvalidity={uidValidity}; uid={uid}{eol}"));
        var stamped = new byte[field.Length + message.Length];
        field.CopyTo(stamped, 0);
        message.CopyTo(stamped.AsSpan(field.Length));
        return stamped;
    }

    /// <summary>Whether the header block that starts <paramref name="head"/> begins with the mark.</summary>
    public static bool IsMarked(ReadOnlySpan<byte> head)
    {
        var end = head.IndexOf((byte)'\n');
        var line = Encoding.ASCII.GetString(end < 0 ? head : head[..end]).TrimEnd('\r');
        return IsMarkLine(line);
    }

    /// <summary>
    /// The UIDVALIDITY and UID of the mark that starts <paramref name="head"/>; null when it does not start with a mark
    /// that names both.
    /// </summary>
    public static (uint UidValidity, uint Uid)? Read(ReadOnlySpan<byte> head)
    {
        var end = head.IndexOf((byte)'\n');
        var line = Encoding.ASCII.GetString(end < 0 ? head : head[..end]).TrimEnd('\r');
        var colon = line.IndexOf(':');
        return colon > 0 && IsMarkField(line[..colon], line[(colon + 1)..]) ? Read(line[(colon + 1)..]) : null;
    }

    /// <summary>The UIDVALIDITY and UID named in a mark's value (<c>rimap; uidvalidity=V; uid=U</c>); null when either is missing.</summary>
    public static (uint UidValidity, uint Uid)? Read(string value)
    {
        uint? validity = null, uid = null;
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !uint.TryParse(part.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) continue;
            var key = part[..eq].Trim();
            if (key.Equals("uidvalidity", StringComparison.OrdinalIgnoreCase)) validity = n;
            else if (key.Equals("uid", StringComparison.OrdinalIgnoreCase)) uid = n;
        }
        return validity is { } v && uid is { } u ? (v, u) : null;
    }

    /// <summary>Whether one unfolded header field (name, colon, value) is the mark.</summary>
    public static bool IsMarkField(string name, string value) =>
        name.Trim().Equals(HeaderName, StringComparison.OrdinalIgnoreCase)
        && value.TrimStart().StartsWith(ValuePrefix, StringComparison.OrdinalIgnoreCase);

    private static bool IsMarkLine(string line)
    {
        var colon = line.IndexOf(':');
        return colon > 0 && IsMarkField(line[..colon], line[(colon + 1)..]);
    }
}
