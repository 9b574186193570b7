namespace RemotePoll.Core.CommuniGate;

/// <summary>Character classes of the CommuniGate Pro data format, shared by the value model, parser and printer.</summary>
internal static class CgpSyntax
{
    /// <summary>
    /// Characters the parser accepts in an unquoted atom. CGP documents atoms as letters and digits; the few
    /// extra safe characters are read so that hand-written settings such as <c>mailbox = Mail.Junk</c> work.
    /// </summary>
    public static bool IsAtomChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@';

    /// <summary>
    /// Whether the printer writes <paramref name="text"/> unquoted: only letters and digits, the atom every
    /// CGP version reads (CGP Data Formats, Strings), so printed text is safe to send to a real server.
    /// </summary>
    public static bool PrintsAsAtom(string text)
    {
        if (text.Length == 0) return false;
        foreach (var c in text)
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>
    /// The index of the first character that a CGP string cannot hold, or -1: the zero character
    /// (CGP Data Formats: "a string … not containing a binary zero byte") and unpaired UTF-16 surrogates,
    /// which have no UTF-8 form.
    /// </summary>
    public static int FindInvalidTextChar(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return i;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
        }
        return -1;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="text"/> is not text a CGP string can hold.</summary>
    public static void ThrowIfNotText(string text, string paramName)
    {
        var bad = FindInvalidTextChar(text);
        if (bad >= 0)
            throw new ArgumentException(
                $"A CommuniGate string cannot hold U+{(int)text[bad]:X4} (at index {bad}): it must be UTF-8 text without a zero character.",
                paramName);
    }
}
