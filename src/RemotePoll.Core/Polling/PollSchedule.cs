namespace RemotePoll.Core.Polling;

/// <summary>
/// When a record's next poll starts. A poll due in the future waits until then. A poll due now (a new record, an
/// operator's order, a record whose time passed) is spread at random over a few seconds, so that records set together
/// do not connect at the same instant. After a restart every record whose time passed while the node was down is due at
/// once: those are spread over their whole period (as they were before the restart), not over a few seconds, or a node
/// with 100,000 records would start 20,000 polls a second after each restart.
/// </summary>
public static class PollSchedule
{
    public static readonly TimeSpan ShortSpread = TimeSpan.FromSeconds(5);

    /// <param name="due">when the poll is due</param>
    /// <param name="period">Poll Every; null when Disabled (a pending order)</param>
    /// <param name="spreadOverPeriod">the poller was started by the recovery of its account or by a bulk import, and no order
    /// is pending</param>
    /// <param name="random">a number in [0, 1)</param>
    public static TimeSpan Delay(DateTimeOffset due, DateTimeOffset now, TimeSpan? period, bool spreadOverPeriod, double random)
    {
        if (due > now) return due - now;
        var shortWindow = period is { } p && p < ShortSpread ? p : period is null ? TimeSpan.FromSeconds(1) : ShortSpread;
        var window = spreadOverPeriod && period is { } whole ? whole : shortWindow;
        return window * random;
    }
}
