using System.Text;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The delivery id written into every copy an RPOP poll hands to the local side, as the first header field
/// (<c>X-RemotePoll-Delivery: ID</c>), so that after a crash the local side can be asked whether that copy arrived.
/// </summary>
public static class DeliveryStamp
{
    public const string HeaderName = "X-RemotePoll-Delivery";

    /// <summary>The bytes of a header block read to find the stamp: the stamp is first, after at most a few trace fields.</summary>
    public const int SearchedBytes = 8 * 1024;

    /// <summary>A fresh delivery id: 32 lowercase hex digits.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The message with the stamp prepended, in the message's own line ending.</summary>
    public static byte[] Stamp(byte[] message, string id)
    {
        var lf = Array.IndexOf(message, (byte)'\n');
        var eol = lf > 0 && message[lf - 1] == '\r' ? "\r\n" : lf >= 0 ? "\n" : "\r\n";
        var field = Encoding.ASCII.GetBytes($"{HeaderName}: {id}{eol}");
        var stamped = new byte[field.Length + message.Length];
        field.CopyTo(stamped, 0);
        message.CopyTo(stamped, field.Length);
        return stamped;
    }

    /// <summary>The delivery id in the header block that starts <paramref name="head"/>, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> head)
    {
        var text = Encoding.ASCII.GetString(head);
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            var line = (end < 0 ? text[start..] : text[start..end]).TrimEnd('\r');
            if (line.Length == 0) return null; // end of the header block
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Equals(HeaderName, StringComparison.OrdinalIgnoreCase)) return line[(colon + 1)..].Trim();
            if (end < 0) return null;
            start = end + 1;
        }
        return null;
    }
}
