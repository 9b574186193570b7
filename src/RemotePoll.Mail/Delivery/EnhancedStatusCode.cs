using System.Text.RegularExpressions;

namespace RemotePoll.Mail.Delivery;

/// <summary>Finds an RFC 3463 enhanced status code (<c>class.subject.detail</c>) after a reply's 3-digit code.</summary>
internal static partial class EnhancedStatusCode
{
    [GeneratedRegex(@"^(?:\d{3}[ -])?([245]\.\d{1,3}\.\d{1,3})(?:\s|$)")]
    private static partial Regex Pattern();

    public static string? Find(string? reply)
    {
        if (reply is null) return null;
        var m = Pattern().Match(reply);
        return m.Success ? m.Groups[1].Value : null;
    }
}
