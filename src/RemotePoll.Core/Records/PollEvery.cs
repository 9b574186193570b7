namespace RemotePoll.Core.Records;

/// <summary>What the operator chose for "Poll Every": a period (or Disabled), or Never, which removes the record.</summary>
public sealed record PollEvery(PollPeriod? Period)
{
    public static readonly PollEvery Never = new((PollPeriod?)null);

    public bool IsNever => Period is null;

    public override string ToString() => Period?.ToString() ?? "Never";

    /// <summary>Parses "Never", "Disabled" or a duration; null with a reason naming what is wrong.</summary>
    public static PollEvery? TryParse(string? text, out string? reason)
    {
        reason = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "never": return Never;
            case "disabled": return new PollEvery(PollPeriod.Disabled);
        }
        var t = PollPeriod.TryParseDuration(text, out reason);
        if (t is null) return null;
        if (t < PollPeriod.Minimum || t > PollPeriod.Maximum)
        {
            reason = $"'{text}' is outside {PollPeriod.Every(PollPeriod.Minimum)}..{PollPeriod.Every(PollPeriod.Maximum)}";
            return null;
        }
        return new PollEvery(PollPeriod.Every(t.Value));
    }
}
