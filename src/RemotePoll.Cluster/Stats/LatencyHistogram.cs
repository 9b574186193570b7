namespace RemotePoll.Cluster.Stats;

/// <summary>
/// A thread-safe cumulative histogram of durations in fixed buckets (1-2-5 steps from 1 ms to 10 min), cheap enough
/// to record every poll: one interlocked increment. Readers take a copy of the counts and, to see one interval,
/// subtract an earlier copy (as with a Prometheus histogram).
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds of the buckets in milliseconds; the last bucket (beyond the last bound) is open.</summary>
    public static readonly IReadOnlyList<double> BoundsMs =
        [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000];

    private readonly long[] _counts = new long[BoundsMs.Count + 1];

    public void Record(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        var i = 0;
        while (i < BoundsMs.Count && ms > BoundsMs[i]) i++;
        Interlocked.Increment(ref _counts[i]);
    }

    public long[] Snapshot()
    {
        var copy = new long[_counts.Length];
        for (var i = 0; i < copy.Length; i++) copy[i] = Interlocked.Read(ref _counts[i]);
        return copy;
    }
}
