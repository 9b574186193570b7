using System.Globalization;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Security;

/// <summary>A token's lifetime as written on the command line: a number and a unit, s, m, h, d or y (<c>90d</c>, <c>12h</c>).</summary>
public static class TokenLifetime
{
    /// <summary>The lifetime; null text gives <see cref="TokenSigner.DefaultLifetime"/>. Throws <see cref="ValidationException"/> for field "expires".</summary>
    public static TimeSpan Parse(string? text)
    {
        if (text is null) return TokenSigner.DefaultLifetime;
        var t = text.Trim().ToLowerInvariant();
        TimeSpan? span = null;
        if (t.Length >= 2 && long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= 1_000_000_000)
            span = t[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(Math.Min(n, 100_000)),
                'y' => TimeSpan.FromDays(365 * Math.Min(n, 1000)),
                _ => null,
            };
        if (span is null) throw new ValidationException("expires", $"'{text}' is not a duration such as 30d, 12h, 90m or 1y");
        if (span > TokenSigner.MaxLifetime) throw new ValidationException("expires", $"'{text}' is longer than {TokenSigner.MaxLifetime.TotalDays:0} days");
        return span.Value;
    }
}
