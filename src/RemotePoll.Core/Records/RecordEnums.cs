namespace RemotePoll.Core.Records;

/// <summary>The spec's words for the record enums, for the CLI, the CommuniGate format and the pages.</summary>
public static class RecordEnums
{
    public static string ToSpecWord(this ConnectionSecurity s) => s switch
    {
        ConnectionSecurity.None => "None",
        ConnectionSecurity.StartTls => "STARTTLS",
        _ => "SSL/TLS",
    };

    public static string ToSpecWord(this ImapAuthMethod m) => m == ImapAuthMethod.Normal ? "Normal" : "Encrypted";

    /// <summary>Parses None | STARTTLS | SSL/TLS (also the CLI's none | starttls | ssl | tls), case-insensitively.</summary>
    public static ConnectionSecurity? ParseSecurity(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "none" => ConnectionSecurity.None,
        "starttls" => ConnectionSecurity.StartTls,
        "ssl/tls" or "ssl" or "tls" => ConnectionSecurity.SslTls,
        _ => null,
    };

    /// <summary>Parses Normal | Encrypted, case-insensitively.</summary>
    public static ImapAuthMethod? ParseAuthMethod(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "normal" => ImapAuthMethod.Normal,
        "encrypted" => ImapAuthMethod.Encrypted,
        _ => null,
    };
}
