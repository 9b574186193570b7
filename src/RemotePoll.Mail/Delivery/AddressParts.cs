namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Splits and checks an envelope address <c>local@domain</c> well enough to put it on a command line or in a
/// file path: no control characters, no angle brackets, a host name or an address literal after the last '@'.
/// </summary>
internal static class AddressParts
{
    public const int MaxLocalLength = 64;
    public const int MaxDomainLength = 253;

    public static bool TrySplit(string? address, out string local, out string domain, out string reason)
    {
        local = domain = "";
        reason = "";
        if (string.IsNullOrEmpty(address)) { reason = "is empty"; return false; }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) { reason = "is not of the form user@domain"; return false; }
        local = address[..at];
        domain = address[(at + 1)..];
        if (local.Length > MaxLocalLength) { reason = $"has a user part longer than {MaxLocalLength} characters"; return false; }
        var quoted = local.Length >= 2 && local[0] == '"' && local[^1] == '"';
        foreach (var c in local)
        {
            if (char.IsControl(c) || c is '<' or '>' || (!quoted && (c is ' ' or '"' or ',' or ';' or ':' or '(' or ')' or '[' or ']' or '\\' || c == '@')))
            { reason = $"has the character '{Printable(c)}' in its user part"; return false; }
        }
        if (!IsDomain(domain, out var why)) { reason = why; return false; }
        return true;
    }

    public static (string Local, string Domain) Split(string address, string what = "address") =>
        TrySplit(address, out var l, out var d, out var reason) ? (l, d)
            : throw new ArgumentException($"{what} '{address}' {reason}", nameof(address));

    /// <summary>True when the text holds only ASCII, so it fits a command without SMTPUTF8.</summary>
    public static bool IsAscii(string text) => text.All(char.IsAscii);

    private static bool IsDomain(string domain, out string reason)
    {
        reason = "";
        if (domain.Length > MaxDomainLength) { reason = $"has a domain longer than {MaxDomainLength} characters"; return false; }
        if (domain[0] == '[')
        {
            if (domain[^1] != ']' || domain.Length < 3 || domain.Any(c => char.IsControl(c) || c is ' ' or '/' or '\\'))
            { reason = $"has a malformed address literal '{domain}'"; return false; }
            return true;
        }
        foreach (var label in domain.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63) { reason = $"has an empty or overlong label in domain '{domain}'"; return false; }
            foreach (var c in label)
                if (!(char.IsLetterOrDigit(c) || c is '-' or '_'))
                { reason = $"has the character '{Printable(c)}' in domain '{domain}'"; return false; }
        }
        return true;
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
