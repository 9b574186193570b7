using System.Text;

namespace RemotePoll.Core.Envelope;

/// <summary>
/// The header block of a raw RFC 5322 message, split into fields (a field keeps its folded continuation lines),
/// so fields can be read and removed without touching a byte of the body. Tolerates LF-only line ends.
/// </summary>
public static class HeaderBlock
{
    /// <summary>The byte offset where the body starts (after the empty line), or the length when there is none.</summary>
    public static int BodyStart(ReadOnlySpan<byte> message)
    {
        var lineStart = 0;
        while (lineStart < message.Length)
        {
            var nl = message[lineStart..].IndexOf((byte)'\n');
            if (nl < 0) return message.Length;
            var line = message.Slice(lineStart, nl);
            if (line.Length == 0 || (line.Length == 1 && line[0] == '\r')) return lineStart + nl + 1;
            lineStart += nl + 1;
        }
        return message.Length;
    }

    /// <summary>The fields of the header as (name, raw bytes range incl. line ends) in order.</summary>
    public static IReadOnlyList<(string Name, Range Range)> Fields(ReadOnlySpan<byte> message)
    {
        var end = BodyStart(message);
        var fields = new List<(string, Range)>();
        var i = 0;
        while (i < end)
        {
            var start = i;
            do
            {
                var nl = message[i..end].IndexOf((byte)'\n');
                i = nl < 0 ? end : i + nl + 1;
            } while (i < end && message[i] is (byte)' ' or (byte)'\t');
            var line = message[start..i];
            var colon = line.IndexOf((byte)':');
            if (line.Length == 0 || line[0] is (byte)'\r' or (byte)'\n') break;
            var name = colon > 0 ? Encoding.ASCII.GetString(line[..colon]).Trim() : "";
            fields.Add((name, start..i));
        }
        return fields;
    }

    /// <summary>The unfolded value of a field (after the colon), decoded as UTF-8.</summary>
    public static string Value(ReadOnlySpan<byte> message, Range field)
    {
        var raw = message[field];
        var colon = raw.IndexOf((byte)':');
        var text = Encoding.UTF8.GetString(raw[(colon + 1)..]);
        return text.Replace("\r\n", "").Replace("\n", "").Trim();
    }

    /// <summary>The message without the given fields.</summary>
    public static byte[] Without(ReadOnlySpan<byte> message, IEnumerable<Range> fields)
    {
        var length = message.Length;
        var remove = fields.Select(r => r.GetOffsetAndLength(length)).OrderBy(r => r.Offset).ToList();
        var result = new byte[message.Length - remove.Sum(r => r.Length)];
        int from = 0, to = 0;
        foreach (var (offset, count) in remove)
        {
            message[from..offset].CopyTo(result.AsSpan(to));
            to += offset - from;
            from = offset + count;
        }
        message[from..].CopyTo(result.AsSpan(to));
        return result;
    }
}
