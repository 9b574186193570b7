using RemotePoll.Core.Settings;

namespace RemotePoll.Web.Forms;

/// <summary>The choices the pages offer, in the spec's words; a stored value outside them is offered too.</summary>
public static class Choices
{
    /// <summary>Poll Every of a record: Never removes it, Disabled keeps it unpolled (spec, Poll Every).</summary>
    public static readonly IReadOnlyList<string> PollEvery =
        ["Never", "Disabled", "1m", "2m", "3m", "5m", "10m", "15m", "20m", "30m", "1h", "2h", "3h", "6h", "12h", "1d"];

    public static readonly IReadOnlyList<string> Delays = ["1m", "2m", "3m", "5m", "10m", "15m", "20m", "30m", "1h", "2h", "3h", "6h", "12h", "1d"];

    public static readonly IReadOnlyList<(string Value, string Label)> LogLevels =
        Enum.GetValues<PollLogLevel>().Select(l => (ModuleSettings.LogLevelWord(l), Label(l))).ToList();

    public static readonly IReadOnlyList<string> ConnectionSecurity = ["None", "STARTTLS", "SSL/TLS"];

    public static readonly IReadOnlyList<(string Value, string Label)> AuthMethods =
        [("Normal", "Normal Password"), ("Encrypted", "Encrypted Password")];

    /// <summary><paramref name="choices"/>, with <paramref name="current"/> added when it is not one of them.</summary>
    public static IReadOnlyList<string> With(IReadOnlyList<string> choices, string? current) =>
        current is null || choices.Contains(current, StringComparer.OrdinalIgnoreCase) ? choices : [.. choices, current];

    private static string Label(PollLogLevel l) => l switch
    {
        PollLogLevel.CrashesOnly => "Crashes Only",
        PollLogLevel.Failures => "Failures",
        PollLogLevel.Major => "Major",
        PollLogLevel.Problems => "Problems",
        PollLogLevel.LowLevel => "Low-Level",
        _ => "All Info",
    };
}
