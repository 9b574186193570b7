using System.Globalization;
using System.Text;

namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// Writes values in the canonical CommuniGate Pro text form, on one line and without spaces:
/// <c>{home={APOP=YES;domain="pop.example.com:110";};}</c>, <c>(a,#1,[AQI=])</c>, <c>{}</c>, <c>()</c>.
/// Strings of letters and digits only are atoms; any other string, and the empty one, is quoted, with
/// <c>\"</c>, <c>\\</c>, <c>\r</c>, <c>\n</c>, <c>\t</c> and <c>\NNN</c> for other control characters;
/// other characters are written as they are. Timestamps are UTC. <see cref="CgpParser.Parse"/> of the text
/// gives back an equal value.
/// </summary>
public static class CgpPrinter
{
    /// <summary>The canonical text of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// Arrays and dictionaries nest deeper than <see cref="CgpParser.MaxDepth"/>, so the parser would refuse the text.
    /// </exception>
    public static string Print(CgpValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder();
        Write(text, value, depth: 0, forDisplay: false);
        return text.ToString();
    }

    /// <summary>As <see cref="Print"/>, but writes "..." for what nests too deep instead of throwing: for ToString.</summary>
    internal static string PrintForDisplay(CgpValue value)
    {
        var text = new StringBuilder();
        Write(text, value, depth: 0, forDisplay: true);
        return text.ToString();
    }

    /// <summary>Appends <paramref name="text"/> as an atom when it is one, else as a quoted string.</summary>
    internal static void WriteString(StringBuilder output, string text)
    {
        if (CgpSyntax.PrintsAsAtom(text))
        {
            output.Append(text);
            return;
        }
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\r': output.Append("\\r"); break;
                case '\n': output.Append("\\n"); break;
                case '\t': output.Append("\\t"); break;
                case < ' ' or '\x7F': output.Append('\\').Append(((int)c).ToString("D3", CultureInfo.InvariantCulture)); break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }

    private static void Write(StringBuilder output, CgpValue value, int depth, bool forDisplay)
    {
        switch (value)
        {
            case CgpString s:
                WriteString(output, s.Value);
                break;
            case CgpNumber n:
                output.Append('#').Append(n.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case CgpData d:
                output.Append('[').Append(Convert.ToBase64String(d.Bytes.Span)).Append(']');
                break;
            case CgpTimestamp { IsPast: true }:
                output.Append("#TPAST");
                break;
            case CgpTimestamp { IsFuture: true }:
                output.Append("#TFUTURE");
                break;
            case CgpTimestamp t:
                output.Append("#T").Append(t.Value.UtcDateTime.ToString("dd'-'MM'-'yyyy'_'HH':'mm':'ss", CultureInfo.InvariantCulture));
                break;
            case CgpIpAddress ip:
                output.Append("#I[").Append(ip.Address.ToString()).Append(']');
                if (ip.Port is { } port) output.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
                break;
            case CgpNull:
                output.Append("#NULL#");
                break;
            case CgpArray array:
                if (TooDeep(output, depth + 1, forDisplay)) break;
                output.Append('(');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    Write(output, array[i], depth + 1, forDisplay);
                }
                output.Append(')');
                break;
            case CgpDictionary dictionary:
                if (TooDeep(output, depth + 1, forDisplay)) break;
                output.Append('{');
                foreach (var (key, item) in dictionary.Entries)
                {
                    WriteString(output, key);
                    output.Append('=');
                    Write(output, item, depth + 1, forDisplay);
                    output.Append(';');
                }
                output.Append('}');
                break;
            default:
                throw new ArgumentException($"{value.GetType().Name} is not a CommuniGate value kind.", nameof(value));
        }
    }

    private static bool TooDeep(StringBuilder output, int depth, bool forDisplay)
    {
        if (depth <= CgpParser.MaxDepth) return false;
        if (!forDisplay)
            throw new ArgumentException(
                $"The value nests arrays and dictionaries deeper than {CgpParser.MaxDepth} levels; CgpParser would refuse its text.", "value");
        output.Append("...");
        return true;
    }
}
