using RemotePoll.Benchmarks;

// A runner, not a test: it measures and writes figures; it asserts nothing about speed.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}
if (args is ["scale" or "cluster", ..])
{
    try { return await RemotePoll.Benchmarks.Scale.ScaleRunner.RunAsync(args[0], args.Skip(1).ToList()); }
    catch (ArgumentException e) { Console.Error.WriteLine($"remotepoll-bench: {e.Message}"); return 2; }
}
if (args is ["push", ..]) return await RemotePoll.Benchmarks.Push.PushRunner.RunAsync(args.Skip(1).ToList());
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"remotepoll-bench: {e.Message}\n{BenchmarkOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Unwind through the disposals so that Dovecot and the node stop.
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    return await BenchmarkRunner.RunAsync(options, args, cancel.Token);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"remotepoll-bench: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("remotepoll-bench: cancelled");
    return 130;
}
