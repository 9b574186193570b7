namespace RemotePoll.Benchmarks;

/// <summary>A case's runs reduced to medians: time, rates, CPU per 1000 messages, and each stage.</summary>
internal sealed class CaseFigures(BenchmarkCase @case, IReadOnlyList<RunSample> samples, string? failure = null)
{
    public BenchmarkCase Case { get; } = @case;
    public IReadOnlyList<RunSample> Samples { get; } = samples;

    /// <summary>Why the case has no figures (not measurable yet, or it failed in this run).</summary>
    public string? Failure { get; } = failure;

    public bool HasFigures => Samples.Count > 0;
    public TimeSpan Elapsed => TimeSpan.FromSeconds(Median(Samples.Select(s => s.Elapsed.TotalSeconds)));
    public int Messages => Samples[0].Messages;
    public long Bytes => Samples[0].Bytes;
    public double MessagesPerSecond => Median(Samples.Select(s => s.Messages / s.Elapsed.TotalSeconds));
    public double SlowestMessagesPerSecond => Samples.Min(s => s.Messages / s.Elapsed.TotalSeconds);
    public double FastestMessagesPerSecond => Samples.Max(s => s.Messages / s.Elapsed.TotalSeconds);
    public double MegabytesPerSecond => Median(Samples.Select(s => s.Bytes / 1e6 / s.Elapsed.TotalSeconds));

    /// <summary>CPU seconds per 1000 messages; for a case that moves nothing (a relist), per 1000 messages listed.</summary>
    public double CpuPerThousand => Median(Samples.Select(s => s.Cpu.TotalSeconds * 1000 / Math.Max(1, s.Messages)));

    /// <summary>The notes of runs timed differently, with how many runs each.</summary>
    public IEnumerable<string> Notes => Samples.Where(s => s.Note is not null).GroupBy(s => s.Note!)
        .Select(g => $"{g.Count()} of {Samples.Count} runs: {g.Key}");

    public IEnumerable<(string Stage, TimeSpan Median)> Stages =>
        Samples[0].Stages.Keys.Select(k => (k, TimeSpan.FromSeconds(Median(Samples.Select(s => s.Stages.TryGetValue(k, out var v) ? v.TotalSeconds : 0)))));

    /// <summary>
    /// The median of the per-round ratios: each run's rate divided by the rate of the limit's run in the same round
    /// (a few seconds apart), so that the machine's slow and fast minutes cancel out.
    /// </summary>
    public double RatioTo(CaseFigures limit) =>
        Median(Samples.Zip(limit.Samples, (s, l) => s.Messages / s.Elapsed.TotalSeconds / (l.Messages / l.Elapsed.TotalSeconds)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
