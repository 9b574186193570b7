namespace RemotePoll.Cluster.Stats;

/// <summary>
/// What a node's pollers report about themselves: how many run, how many polls started, and how late each started
/// against its schedule. Lateness is measured twice: when the timer fires (the actor system's delay) and when the
/// poll may connect (the timer's delay plus the wait for a Processes permit). Polls ordered by an operator are not
/// counted (they have no schedule). Read with <c>rpoll node stats</c>; the start lateness is also published on
/// <c>/metrics</c> by <see cref="Metrics.PollMetrics"/>.
/// </summary>
public sealed class PollStats
{
    private int _pollers;
    private int _scheduled;
    private long _started;
    private int _pushHeld;

    public LatencyHistogram TimerLateness { get; } = new();
    public LatencyHistogram StartLateness { get; } = new();
    public int Pollers => Volatile.Read(ref _pollers);
    /// <summary>Accounts listed by the wake schedules running on this node (recovered, whether their accounts run or not).</summary>
    public int ScheduledAccounts => Volatile.Read(ref _scheduled);
    public long PollsStarted => Interlocked.Read(ref _started);
    /// <summary>RIMAP push connections this node holds a push permit for (issue 20).</summary>
    public int PushHeld => Volatile.Read(ref _pushHeld);

    /// <summary>A push connection got its permit (<paramref name="change"/> 1) or ended (-1).</summary>
    public void PushHeldChanged(int change)
    {
        Interlocked.Add(ref _pushHeld, change);
    }

    public void PollerStarted()
    {
        Interlocked.Increment(ref _pollers);
    }

    public void PollerStopped()
    {
        Interlocked.Decrement(ref _pollers);
    }

    /// <summary>A wake schedule on this node lists <paramref name="change"/> more (or fewer) accounts.</summary>
    public void AccountsScheduled(int change)
    {
        Interlocked.Add(ref _scheduled, change);
    }

    /// <summary>A scheduled poll's timer fired <paramref name="lateness"/> after it was due.</summary>
    public void TimerFired(TimeSpan lateness)
    {
        TimerLateness.Record(lateness);
    }

    /// <summary>
    /// A scheduled poll of <paramref name="kind"/> (RPOP, RIMAP) got its permit and connects, <paramref name="lateness"/>
    /// after it was due: counted here for <c>rpoll node stats</c> and on <c>/metrics</c>.
    /// </summary>
    public void PollStarted(string kind, TimeSpan lateness)
    {
        Interlocked.Increment(ref _started);
        StartLateness.Record(lateness);
        Metrics.PollMetrics.PollStartedLate(kind, lateness);
    }
}
