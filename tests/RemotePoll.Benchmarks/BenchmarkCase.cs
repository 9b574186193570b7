namespace RemotePoll.Benchmarks;

/// <summary>
/// One row of the table. A limit is what a minimal client reaches on this machine in this run; a RemotePoll case
/// names the limit it is compared with. <see cref="RunAsync"/> does its own untimed set-up (inject, warm up) and
/// times only the work; it gets the number of messages so the warm-up round can run it small. A case without
/// <see cref="RunAsync"/> is a row that cannot be measured yet, and <see cref="Note"/> says why.
/// </summary>
internal sealed record BenchmarkCase(
    string Name,
    bool IsLimit,
    string Description,
    string? Limit,
    Func<int, int, CancellationToken, Task<RunSample>>? RunAsync,
    string? Note = null)
{
    /// <summary>A second limit the case is also given as a ratio to (e.g. the per-file fsync limit next to the one-flush one).</summary>
    public string? AlsoComparedWith { get; init; }

    /// <summary>Another program doing the same job in the same rounds (mbsync for RIMAP), also given as a ratio.</summary>
    public string? Peer { get; init; }

    /// <summary>Whether the in-process warm-up round runs it (the node case warms up on its own).</summary>
    public bool WarmsUp { get; init; } = true;
}
