namespace RemotePoll.Mail.Tests.Unified;

/// <summary>A clock the test moves by hand (the duplicate window is hours long).</summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
