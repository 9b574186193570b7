namespace RemotePoll.Benchmarks;

/// <summary>
/// One timed run of a case: wall time, CPU of the process that did the work, what moved, where the time went, and a
/// note when the run had to be timed differently from the others.
/// </summary>
internal sealed record RunSample(TimeSpan Elapsed, TimeSpan Cpu, int Messages, long Bytes, IReadOnlyDictionary<string, TimeSpan> Stages)
{
    public string? Note { get; init; }
}
