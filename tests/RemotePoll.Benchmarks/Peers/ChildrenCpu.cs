using System.ComponentModel;
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
