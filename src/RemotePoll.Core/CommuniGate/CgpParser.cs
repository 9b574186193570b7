using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// Reads the CommuniGate Pro data format (CGP "Data Formats"; spec, RPOP and RIMAP record dictionaries).
/// The text comes from servers and admins, so it is read defensively: the input length and the nesting
/// depth are bounded, and anything malformed becomes a <see cref="CgpFormatException"/> that says where.
/// Spaces, tabs and line breaks may separate tokens; comments and XML objects are not accepted.
/// </summary>
public static class CgpParser
{
    /// <summary>The most arrays and dictionaries that may nest inside each other.</summary>
    public const int MaxDepth = 64;

    /// <summary>The longest input, in characters (1 MiB); RPOP and RIMAP dictionaries are a few KiB.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Parses <paramref name="text"/>, which must hold exactly one value and optional whitespace around it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="CgpFormatException">The text is not one well-formed value, is longer than
    /// <see cref="MaxLength"/> or nests deeper than <see cref="MaxDepth"/>.</exception>
    public static CgpValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Reader(text).ReadDocument();
    }

    private sealed class Reader(string text)
    {
        private const int MaxShownLength = 40;
        private int pos;

        public CgpValue ReadDocument()
        {
            if (text.Length > MaxLength)
                throw Error(MaxLength, $"expected at most {MaxLength} characters of input, found {text.Length}");
            SkipWhitespace();
            var value = ReadValue(depth: 0, expected: "a value");
            SkipWhitespace();
            if (pos < text.Length)
                throw Error(pos, $"expected the end of input after the value, found {Found(pos)}");
            return value;
        }

        /// <summary>Reads the value at <see cref="pos"/>; <paramref name="depth"/> is how many containers enclose it.</summary>
        private CgpValue ReadValue(int depth, string expected)
        {
            if (pos >= text.Length) throw Error(pos, $"expected {expected}, found end of input");
            var c = text[pos];
            switch (c)
            {
                case '"': return new CgpString(ReadQuoted());
                case '#': return ReadHashValue();
                case '[': return ReadData();
                case '(': return ReadArray(depth + 1);
                case '{': return ReadDictionary(depth + 1);
                case '<': throw Error(pos, $"expected {expected}, found '<': XML objects are not supported");
            }
            if (CgpSyntax.IsAtomChar(c)) return new CgpString(ReadAtom());
            throw Error(pos, $"expected {expected}, found {Found(pos)}");
        }

        private string ReadAtom()
        {
            var start = pos;
            while (pos < text.Length && CgpSyntax.IsAtomChar(text[pos])) pos++;
            return text[start..pos];
        }

        private string ReadQuoted()
        {
            var open = pos++;
            var value = new StringBuilder();
            while (true)
            {
                if (pos >= text.Length || text[pos] is '\r' or '\n')
                    throw Error(pos, $"expected '\"' to close the string opened at {Where(open)}, found {Found(pos)}");
                var c = text[pos];
                if (c == '"')
                {
                    pos++;
                    return value.ToString();
                }
                if (c == '\\')
                {
                    value.Append(ReadEscape(open));
                    continue;
                }
                if (char.IsHighSurrogate(c) && pos + 1 < text.Length && char.IsLowSurrogate(text[pos + 1]))
                {
                    value.Append(c).Append(text[pos + 1]);
                    pos += 2;
                    continue;
                }
                if ((c < ' ' && c != '\t') || char.IsSurrogate(c))
                    throw Error(pos, $"expected text or an escape in the string, found {Found(pos)}");
                value.Append(c);
                pos++;
            }
        }

        private char ReadEscape(int open)
        {
            var backslash = pos++;
            if (pos >= text.Length)
                throw Error(pos, $"expected '\"' to close the string opened at {Where(open)}, found end of input");
            var c = text[pos++];
            switch (c)
            {
                case '"': return '"';
                case '\\': return '\\';
                case 'r': return '\r';
                case 'n': return '\n';
                case 't': return '\t';
                // "system-independent End-Of-Line": read as LF, the line end of the systems we run on.
                case 'e': return '\n';
            }
            if (char.IsAsciiDigit(c))
            {
                pos = backslash + 1;
                var code = 0;
                for (var i = 0; i < 3; i++, pos++)
                {
                    if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                        throw Error(pos, $"expected three decimal digits in the \\NNN escape, found {Found(pos)}");
                    code = code * 10 + (text[pos] - '0');
                }
                // Codes above 127 would be single bytes of a UTF-8 sequence; CGP writes such text unescaped.
                if (code is 0 or > 127)
                    throw Error(backslash, $"expected a \\NNN escape from \\001 to \\127, found \\{text.AsSpan(backslash + 1, 3)}");
                return (char)code;
            }
            throw Error(backslash, $"expected an escape (\\\" \\\\ \\r \\n \\t \\e or \\NNN), found '\\' and then {Found(pos - 1)}");
        }

        private CgpValue ReadHashValue()
        {
            pos++;
            if (pos < text.Length)
            {
                var c = text[pos];
                if (char.IsAsciiDigit(c) || c == '-') return ReadNumber();
                if (c == 'T') return ReadTimestamp();
                if (c == 'I') return ReadIpAddress();
                if (text.AsSpan(pos).StartsWith("NULL", StringComparison.Ordinal))
                {
                    pos += "NULL".Length;
                    Expect('#', "to end #NULL#");
                    ExpectEndOfToken("#NULL#");
                    return CgpNull.Instance;
                }
            }
            throw Error(pos, $"expected a number, 'T' (timestamp), 'I[' (IP address) or 'NULL#' after '#', found {Found(pos)}");
        }

        private CgpNumber ReadNumber()
        {
            var start = pos;
            if (text[pos] == '-') pos++;
            if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                throw Error(pos, $"expected a digit after '#-', found {Found(pos)}");
            while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
            var digits = text.AsSpan(start, pos - start);
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                throw Error(start - 1, $"expected a number from {long.MinValue} to {long.MaxValue}, found #{Shorten(digits.ToString())}");
            ExpectEndOfToken("the number");
            return new CgpNumber(number);
        }

        private CgpTimestamp ReadTimestamp()
        {
            pos++;
            if (text.AsSpan(pos).StartsWith("PAST", StringComparison.Ordinal))
            {
                pos += "PAST".Length;
                ExpectEndOfToken("#TPAST");
                return CgpTimestamp.Past;
            }
            if (text.AsSpan(pos).StartsWith("FUTURE", StringComparison.Ordinal))
            {
                pos += "FUTURE".Length;
                ExpectEndOfToken("#TFUTURE");
                return CgpTimestamp.Future;
            }
            if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                throw Error(pos, $"expected a date (dd-mm-yyyy), 'PAST' or 'FUTURE' after '#T', found {Found(pos)}");

            var dayAt = pos;
            var day = ReadDigits(2, "the day (dd)");
            Expect('-', "after the day of the timestamp");
            var monthAt = pos;
            var month = ReadDigits(2, "the month (mm)");
            Expect('-', "after the month of the timestamp");
            var yearAt = pos;
            var year = ReadDigits(4, "the year (yyyy)");
            int hour = 0, minute = 0, second = 0;
            int hourAt = 0, minuteAt = 0, secondAt = 0;
            // CGP writes a date without a time for some settings; it means midnight UTC.
            if (pos < text.Length && text[pos] == '_')
            {
                pos++;
                hourAt = pos;
                hour = ReadDigits(2, "the hour (hh)");
                Expect(':', "after the hour of the timestamp");
                minuteAt = pos;
                minute = ReadDigits(2, "the minute (mm)");
                Expect(':', "after the minute of the timestamp");
                secondAt = pos;
                second = ReadDigits(2, "the second (ss)");
            }
            if (year < 1) throw Error(yearAt, $"expected a year from 0001 to 9999, found {year:D4}");
            if (month is < 1 or > 12) throw Error(monthAt, $"expected a month from 01 to 12, found {month:D2}");
            var days = DateTime.DaysInMonth(year, month);
            if (day < 1 || day > days)
                throw Error(dayAt, $"expected a day from 01 to {days} for month {month:D2} of {year:D4}, found {day:D2}");
            if (hour > 23) throw Error(hourAt, $"expected an hour from 00 to 23, found {hour:D2}");
            if (minute > 59) throw Error(minuteAt, $"expected a minute from 00 to 59, found {minute:D2}");
            if (second > 59) throw Error(secondAt, $"expected a second from 00 to 59, found {second:D2}");
            ExpectEndOfToken("the timestamp");
            return new CgpTimestamp(new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero));
        }

        private CgpIpAddress ReadIpAddress()
        {
            pos++;
            Expect('[', "after '#I'");
            var start = pos;
            while (pos < text.Length && (char.IsAsciiHexDigit(text[pos]) || text[pos] is '.' or ':')) pos++;
            var literal = text[start..pos];
            if (pos >= text.Length || text[pos] != ']')
                throw Error(pos, $"expected ']' to close the IP address, found {Found(pos)}");
            if (!TryParseAddress(literal, out var address))
                throw Error(start, $"expected an IPv4 or IPv6 address in '#I[...]', found '{Shorten(literal)}'");
            pos++;
            int? port = null;
            if (pos < text.Length && text[pos] == ':')
            {
                pos++;
                var portAt = pos;
                while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - portAt <= 5) pos++;
                var digits = text.AsSpan(portAt, pos - portAt);
                if (digits.Length == 0)
                    throw Error(pos, $"expected a port number after ':', found {Found(pos)}");
                if (digits.Length > 5 || int.Parse(digits, CultureInfo.InvariantCulture) > IPEndPoint.MaxPort)
                    throw Error(portAt, $"expected a port from 0 to 65535, found {Shorten(digits.ToString())}");
                port = int.Parse(digits, CultureInfo.InvariantCulture);
            }
            ExpectEndOfToken("the IP address");
            return new CgpIpAddress(address, port);
        }

        private static bool TryParseAddress(string literal, out IPAddress address)
        {
            address = IPAddress.None;
            if (literal.Contains(':'))
            {
                if (!IPAddress.TryParse(literal, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return false;
                address = v6;
                return true;
            }
            // IPAddress.TryParse also takes "1.2.3" and "0x7f.1"; CGP writes four decimal parts.
            var parts = literal.Split('.');
            if (parts.Length != 4) return false;
            var bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (parts[i].Length is 0 or > 3 || !parts[i].All(char.IsAsciiDigit)) return false;
                var part = int.Parse(parts[i], CultureInfo.InvariantCulture);
                if (part > 255) return false;
                bytes[i] = (byte)part;
            }
            address = new IPAddress(bytes);
            return true;
        }

        private CgpData ReadData()
        {
            var open = pos++;
            var base64 = new StringBuilder();
            while (true)
            {
                if (pos >= text.Length)
                    throw Error(pos, $"expected ']' to close the data block opened at {Where(open)}, found end of input");
                var c = text[pos];
                if (c == ']') break;
                // Long blocks may be broken over lines.
                if (!CgpSyntax.IsWhitespace(c))
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
                        throw Error(pos, $"expected base64 text or ']' in the data block, found {Found(pos)}");
                    base64.Append(c);
                }
                pos++;
            }
            pos++;
            var bytes = new byte[base64.Length / 4 * 3];
            if (base64.Length % 4 != 0 || !Convert.TryFromBase64String(base64.ToString(), bytes, out var written))
                throw Error(open, $"expected base64 in the data block, found {base64.Length} characters that do not decode: the length must be a multiple of 4 and '=' may only pad the end");
            return new CgpData(bytes.AsSpan(0, written));
        }

        private CgpArray ReadArray(int depth)
        {
            var open = pos;
            ExpectDepth(depth);
            pos++;
            var items = new List<CgpValue>();
            SkipWhitespace();
            if (pos < text.Length && text[pos] == ')')
            {
                pos++;
                return CgpArray.Empty;
            }
            while (true)
            {
                items.Add(ReadValue(depth, items.Count == 0 ? "an array element or ')'" : "an array element after ','"));
                SkipWhitespace();
                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    SkipWhitespace();
                    continue;
                }
                if (pos < text.Length && text[pos] == ')')
                {
                    pos++;
                    return new CgpArray(items);
                }
                throw Error(pos, $"expected ',' or ')' to close the array opened at {Where(open)}, found {Found(pos)}");
            }
        }

        private CgpDictionary ReadDictionary(int depth)
        {
            var open = pos;
            ExpectDepth(depth);
            pos++;
            var entries = new List<KeyValuePair<string, CgpValue>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                SkipWhitespace();
                if (pos >= text.Length)
                    throw Error(pos, $"expected a key or '}}' to close the dictionary opened at {Where(open)}, found end of input");
                if (text[pos] == '}')
                {
                    pos++;
                    return new CgpDictionary(entries);
                }
                var keyAt = pos;
                string key;
                if (text[pos] == '"') key = ReadQuoted();
                else if (CgpSyntax.IsAtomChar(text[pos])) key = ReadAtom();
                else throw Error(pos, $"expected a key (an atom or a quoted string) or '}}', found {Found(pos)}");
                if (!keys.Add(key))
                    throw Error(keyAt, $"expected each key once in a dictionary, found key {ShowKey(key)} a second time");
                SkipWhitespace();
                Expect('=', $"after key {ShowKey(key)}");
                SkipWhitespace();
                var value = ReadValue(depth, $"a value for key {ShowKey(key)}");
                SkipWhitespace();
                Expect(';', $"after the value of key {ShowKey(key)}");
                entries.Add(new(key, value));
            }
        }

        private void ExpectDepth(int depth)
        {
            if (depth > MaxDepth)
                throw Error(pos, $"expected at most {MaxDepth} nested arrays and dictionaries, found {Found(pos)} opening level {depth}");
        }

        private int ReadDigits(int count, string what)
        {
            var number = 0;
            for (var i = 0; i < count; i++, pos++)
            {
                if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                    throw Error(pos, $"expected {what} of the timestamp as {count} digits, found {Found(pos)}");
                number = number * 10 + (text[pos] - '0');
            }
            return number;
        }

        private void Expect(char c, string where)
        {
            if (pos >= text.Length || text[pos] != c)
                throw Error(pos, $"expected '{c}' {where}, found {Found(pos)}");
            pos++;
        }

        /// <summary>A number, timestamp or IP address must not run into an atom, as in <c>#12ab</c>.</summary>
        private void ExpectEndOfToken(string what)
        {
            if (pos < text.Length && (CgpSyntax.IsAtomChar(text[pos]) || text[pos] is '#' or '"'))
                throw Error(pos, $"expected the end of {what}, found {Found(pos)}");
        }

        private void SkipWhitespace()
        {
            while (pos < text.Length && CgpSyntax.IsWhitespace(text[pos])) pos++;
        }

        private string Found(int at)
        {
            if (at >= text.Length) return "end of input";
            var c = text[at];
            if (c is '\r' or '\n') return "end of line";
            if (char.IsHighSurrogate(c) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
                return $"'{text.AsSpan(at, 2)}'";
            if (char.IsSurrogate(c)) return $"an unpaired surrogate U+{(int)c:X4}";
            if (char.IsControl(c)) return $"the control character U+{(int)c:X4}";
            return $"'{c}'";
        }

        private static string ShowKey(string key)
        {
            var shown = new StringBuilder();
            CgpPrinter.WriteString(shown, Shorten(key));
            return shown[0] == '"' ? shown.ToString() : $"'{shown}'";
        }

        private static string Shorten(string s) =>
            s.Length <= MaxShownLength ? s : string.Concat(s.AsSpan(0, char.IsHighSurrogate(s[MaxShownLength - 1]) ? MaxShownLength - 1 : MaxShownLength), "...");

        private string Where(int at)
        {
            var (line, column) = LineAndColumn(at);
            return $"line {line}, column {column}";
        }

        private CgpFormatException Error(int at, string reason)
        {
            var (line, column) = LineAndColumn(at);
            return new CgpFormatException(line, column, reason);
        }

        /// <summary>Lines end at LF, CRLF or a lone CR; both numbers count from 1.</summary>
        private (int Line, int Column) LineAndColumn(int at)
        {
            int line = 1, column = 1;
            for (var i = 0; i < at && i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                {
                    line++;
                    column = 1;
                }
                else if (c != '\r') column++;
            }
            return (line, column);
        }
    }
}
