using System.Globalization;

namespace RemotePoll.Core.Admin;

/// <summary>A count and its noun in agreement, for every text an operator reads: "1 message", "0 messages", "2 messages".</summary>
public static class CountText
{
    public static string Of(long n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    /// <summary>"is" for one, "are" for any other count.</summary>
    public static string Verb(long n) => n == 1 ? "is" : "are";
}
