namespace RemotePoll.Mail.OAuth;

/// <summary>
/// An OAuth2 access token to sign in with instead of a password (SASL XOAUTH2 or OAUTHBEARER, RFC 7628).
/// <paramref name="AllowOAuthBearer"/> false keeps to XOAUTH2 (Microsoft, whose servers take only that).
/// Its text form never shows the token.
/// </summary>
public sealed record OAuth2Bearer(string AccessToken, bool AllowOAuthBearer = true)
{
    /// <summary>The SASL mechanism to use among those a server offers: OAUTHBEARER where allowed and offered, else XOAUTH2; null when neither fits.</summary>
    public string? ChooseMechanism(IReadOnlyCollection<string> offered)
    {
        bool Has(string m) => offered.Any(o => o.Equals(m, StringComparison.OrdinalIgnoreCase));
        if (AllowOAuthBearer && Has("OAUTHBEARER")) return "OAUTHBEARER";
        return Has("XOAUTH2") ? "XOAUTH2" : null;
    }

    /// <summary>
    /// The error a server puts in its SASL challenge when it refuses a token (RFC 7628 section 3.2.2, Google's
    /// XOAUTH2): <c>+ base64({"status":"invalid_token",...})</c>, shown as its JSON; null when the line is not one.
    /// </summary>
    public static string? RefusalIn(string? serverLine)
    {
        if (serverLine is null || !serverLine.StartsWith("+ ", StringComparison.Ordinal)) return null;
        try
        {
            var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(serverLine[2..].Trim()));
            return json.StartsWith('{') ? json : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public override string ToString() => $"OAuth2Bearer {{ AccessToken = (hidden), AllowOAuthBearer = {AllowOAuthBearer} }}";
}
