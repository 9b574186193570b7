namespace RemotePoll.Core.Records;

/// <summary>The Special field: an RFC 5322 header field name (e.g. X-Real-To), or "*" for To/Cc/Bcc parsing.</summary>
public static class SpecialHeader
{
    public const string FromRecipientHeaders = "*";

    public static string? Check(string value)
    {
        if (value == FromRecipientHeaders) return null;
        if (value.Length == 0) return "is empty";
        if (value.Length > 76) return "is longer than 76 characters";
        foreach (var c in value)
            if (c < 33 || c > 126 || c == ':') return $"'{value}' is not a header field name or '*'";
        return null;
    }
}
