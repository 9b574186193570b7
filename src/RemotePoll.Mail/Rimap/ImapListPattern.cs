namespace RemotePoll.Mail.Rimap;

/// <summary>
/// The mailbox-name pattern of the IMAP LIST command (RFC 3501 6.3.8), which the RIMAP "Filter" is: <c>*</c>
/// matches anything, <c>%</c> anything but the hierarchy delimiter; the rest matches itself, case-sensitively,
/// except that a leading INBOX is case-insensitive. Applied to the decoded names the server listed.
/// </summary>
internal static class ImapListPattern
{
    public const string All = "*";

    /// <summary>The pattern to use for a record's filter: <c>*</c> when it has none.</summary>
    public static string Of(string? filter) => string.IsNullOrWhiteSpace(filter) ? All : filter.Trim();

    /// <summary>Whether <paramref name="name"/> (delimiter <paramref name="delimiter"/>, '\0' for none) matches.</summary>
    public static bool Matches(string pattern, string name, char delimiter)
    {
        pattern = NormalizeInbox(pattern, delimiter);
        name = NormalizeInbox(name, delimiter);
        // match[j]: the pattern from position i on matches the name from position j on; built from the end.
        var next = new bool[name.Length + 1];
        var current = new bool[name.Length + 1];
        next[name.Length] = true;
        for (var i = pattern.Length - 1; i >= 0; i--)
        {
            var p = pattern[i];
            current[name.Length] = p is '*' or '%' && next[name.Length];
            for (var j = name.Length - 1; j >= 0; j--)
            {
                current[j] = p switch
                {
                    '*' => next[j] || current[j + 1],
                    '%' => next[j] || (name[j] != delimiter && current[j + 1]),
                    _ => name[j] == p && next[j + 1],
                };
            }
            (next, current) = (current, next);
        }
        return next[0];
    }

    private static string NormalizeInbox(string text, char delimiter)
    {
        const string inbox = "INBOX";
        if (text.Length < inbox.Length || !text.StartsWith(inbox, StringComparison.OrdinalIgnoreCase)) return text;
        if (text.Length > inbox.Length && text[inbox.Length] != delimiter) return text;
        return inbox + text[inbox.Length..];
    }
}
