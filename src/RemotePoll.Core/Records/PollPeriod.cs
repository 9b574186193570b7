using System.Globalization;

namespace RemotePoll.Core.Records;

/// <summary>
/// "Poll Every": an interval, or Disabled (kept, not polled). "Never" is not a period: it removes the record
/// (spec, Poll Every), so it is handled by <see cref="PollEvery"/>.
/// </summary>
public sealed record PollPeriod
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(30);
    public static readonly PollPeriod Disabled = new((TimeSpan?)null);
    public static readonly PollPeriod Default = new(TimeSpan.FromMinutes(10));
    private static readonly long MaxParsedSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    private PollPeriod(TimeSpan? interval) => Interval = interval;

    /// <summary>The interval between polls; null when Disabled.</summary>
    public TimeSpan? Interval { get; }

    public bool IsDisabled => Interval is null;

    public static PollPeriod Every(TimeSpan interval) =>
        interval < Minimum || interval > Maximum
            ? throw new ArgumentOutOfRangeException(nameof(interval), $"must be between {Minimum} and {Maximum}")
            : new PollPeriod(interval);

    /// <summary>Canonical text: "Disabled", or the largest whole unit: 30s, 10m, 2h, 1d.</summary>
    public override string ToString()
    {
        if (Interval is not { } t) return "Disabled";
        var s = (long)t.TotalSeconds;
        string F(long v, string u) => v.ToString(CultureInfo.InvariantCulture) + u;
        if (s % 86400 == 0) return F(s / 86400, "d");
        if (s % 3600 == 0) return F(s / 3600, "h");
        if (s % 60 == 0) return F(s / 60, "m");
        return F(s, "s");
    }

    /// <summary>Parses a duration such as 30s, 10m, 1h, 1d, 90 (seconds) or 1h30m; null with a reason otherwise.</summary>
    public static TimeSpan? TryParseDuration(string? text, out string? reason)
    {
        reason = null;
        var s = text?.Trim().ToLowerInvariant() ?? "";
        if (s.Length == 0) { reason = "is empty"; return null; }
        long total = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start || i - start > 9) { reason = $"'{text}' is not a duration such as 30s, 10m, 1h or 1d"; return null; }
            var n = long.Parse(s[start..i], CultureInfo.InvariantCulture);
            long unit = 1;
            if (i < s.Length)
            {
                unit = s[i] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
                if (unit == 0) { reason = $"'{text}' has the unknown unit '{s[i]}' (use s, m, h or d)"; return null; }
                i++;
            }
            else if (start != 0) { reason = $"'{text}' is missing a unit after {n}"; return null; }
            // Capped so that absurd input ("999999999d") is refused by the caller's range check, not by an overflow.
            total = Math.Min(total + n * unit, MaxParsedSeconds);
        }
        return TimeSpan.FromSeconds(total);
    }
}
