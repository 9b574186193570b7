namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// A CGP timestamp, written <c>#T22-10-2024_14:03:27</c> (UTC), or one of the special values
/// <c>#TPAST</c> (<see cref="Past"/>, the earliest moment) and <c>#TFUTURE</c> (<see cref="Future"/>, the latest).
/// </summary>
public sealed record CgpTimestamp : CgpValue
{
    /// <summary>
    /// Keeps the moment in UTC and in whole seconds, as the text form does, so that a printed and re-parsed
    /// timestamp equals the original. <see cref="DateTimeOffset.MinValue"/> is <see cref="Past"/> and
    /// <see cref="DateTimeOffset.MaxValue"/> is <see cref="Future"/>.
    /// </summary>
    public CgpTimestamp(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        if (ticks != DateTimeOffset.MaxValue.UtcTicks) ticks -= ticks % TimeSpan.TicksPerSecond;
        Value = new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    public static CgpTimestamp Past { get; } = new(DateTimeOffset.MinValue);

    public static CgpTimestamp Future { get; } = new(DateTimeOffset.MaxValue);

    /// <summary>The moment, with offset zero.</summary>
    public DateTimeOffset Value { get; }

    public bool IsPast => Value == DateTimeOffset.MinValue;

    public bool IsFuture => Value == DateTimeOffset.MaxValue;
}
