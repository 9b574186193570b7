namespace RemotePoll.Core.Admin;

/// <summary>
/// One node's poller statistics since it started. The lateness counts are cumulative per bucket (bucket i holds the
/// polls later than bound i-1 and at most bound i; the last one is open), so two readings subtracted give an interval.
/// <see cref="Pollers"/> counts the records of the accounts running on this node; <see cref="ScheduledAccounts"/> the
/// accounts listed by the wake schedules on this node, running or not (an account runs from its first due poll on).
/// <see cref="PushHeld"/> counts the RIMAP push connections held on this node, <see cref="PushLimit"/> is push-connections (cluster-wide).
/// </summary>
public sealed record NodeStatsView(
    string Node,
    int Pollers,
    long ScheduledPollsStarted,
    IReadOnlyList<double> LatenessBoundsMs,
    IReadOnlyList<long> TimerLatenessCounts,
    IReadOnlyList<long> StartLatenessCounts,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    int ScheduledAccounts = 0,
    int PushHeld = 0,
    int PushLimit = 0) : IAdminResult
{
    /// <summary>The upper bound (ms) of the bucket holding quantile <paramref name="q"/>; null without samples, +∞ when open.</summary>
    public static double? Quantile(IReadOnlyList<double> boundsMs, IReadOnlyList<long> counts, double q)
    {
        var total = counts.Sum();
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            seen += counts[i];
            if (seen >= rank) return i < boundsMs.Count ? boundsMs[i] : double.PositiveInfinity;
        }
        return double.PositiveInfinity;
    }
}
