namespace RemotePoll.Mail.Pop3;

/// <summary>Which login method a poll uses: spec, RPOP record "APOP" and the note on MSN servers.</summary>
public static class Pop3LoginPolicy
{
    /// <summary>
    /// <c>AUTH MSN</c> when the host name ends with <c>.msn.com</c>; APOP only when the module's Use APOP
    /// AND the record's APOP are on AND the greeting advertises APOP; otherwise USER/PASS. Nothing else,
    /// never a SASL mechanism the operator did not ask for.
    /// </summary>
    public static Pop3LoginMethod Choose(string host, bool useApop, bool recordApop, string? greeting)
    {
        if (IsMsnHost(host)) return Pop3LoginMethod.AuthMsn;
        return useApop && recordApop && ApopTimestamp(greeting) is not null ? Pop3LoginMethod.Apop : Pop3LoginMethod.UserPass;
    }

    /// <summary>True for host names that end with <c>.msn.com</c> (case-insensitive, trailing dot ignored).</summary>
    public static bool IsMsnHost(string host) =>
        host.TrimEnd('.').EndsWith(".msn.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The APOP timestamp of a <c>+OK</c> greeting: the text from the first <c>&lt;</c> to the next
    /// <c>&gt;</c> (the token MailKit digests), when it has the <c>local@host</c> form of RFC 1939; else null.
    /// </summary>
    public static string? ApopTimestamp(string? greeting)
    {
        if (greeting is null || !greeting.StartsWith("+OK", StringComparison.OrdinalIgnoreCase)) return null;
        var open = greeting.IndexOf('<');
        if (open < 0) return null;
        var close = greeting.IndexOf('>', open + 1);
        if (close < 0) return null;
        var inside = greeting.AsSpan(open + 1, close - open - 1);
        var at = inside.IndexOf('@');
        if (at <= 0 || at == inside.Length - 1) return null;
        foreach (var c in inside)
            if (c <= ' ' || c == '<' || c > '~') return null;
        return greeting.Substring(open, close - open + 1);
    }
}
