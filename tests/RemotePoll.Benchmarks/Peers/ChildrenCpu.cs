using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RemotePoll.Benchmarks.Peers;

/// <summary>
/// CPU time (user + system) of this process's children that have exited and been waited for: getrusage(2) with
/// RUSAGE_CHILDREN. The difference around one child's run is that child's CPU, once .NET has reaped it.
/// </summary>
internal static partial class ChildrenCpu
{
    private const int RusageChildren = -1;

    public static TimeSpan Total()
    {
        if (GetRusage(RusageChildren, out var usage) != 0)
            throw new IOException($"getrusage failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        return Seconds(usage.UserTime) + Seconds(usage.SystemTime);
    }

    /// <summary>Runs a peer program to its exit: wall time from the start, and its CPU once reaped.</summary>
    /// <exception cref="InvalidOperationException">It did not start, or exited with a code other than 0 (its output is quoted).</exception>
    public static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> RunAsync(ProcessStartInfo start, CancellationToken ct)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var name = Path.GetFileName(start.FileName);
        var cpu = Total();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var used = Total() - cpu;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
        return (elapsed, used);
    }

    private static TimeSpan Seconds(TimeVal t) => TimeSpan.FromSeconds(t.Seconds + t.Microseconds / 1e6);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs.
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Rusage
    {
        public TimeVal UserTime;
        public TimeVal SystemTime;
        public fixed long Rest[14];
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out Rusage usage);
}
