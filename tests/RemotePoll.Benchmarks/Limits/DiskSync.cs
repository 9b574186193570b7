using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RemotePoll.Benchmarks.Limits;

/// <summary>fsync(2) of a directory and syncfs(2): .NET exposes neither.</summary>
internal static partial class DiskSync
{
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000; // Linux
    private const int ClockTicksName = 2;    // _SC_CLK_TCK

    /// <summary>Clock ticks per second, the unit of /proc/PID/stat times.</summary>
    public static long ClockTicksPerSecond { get; } = OperatingSystem.IsLinux() ? SysConf(ClockTicksName) : 100;

    public static void FsyncDirectory(string path) => WithDirectory(path, Fsync, "fsync");

    /// <summary>Flushes the whole file system that holds <paramref name="path"/>: every dirty page and the journal, once.</summary>
    public static void SyncFileSystem(string path) => WithDirectory(path, SyncFs, "syncfs");

    private static void WithDirectory(string path, Func<int, int> call, string name)
    {
        var fd = Open(path, O_RDONLY | O_DIRECTORY);
        if (fd < 0) throw Error("open", path);
        try
        {
            if (call(fd) < 0) throw Error(name, path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Error(string call, string path) =>
        new($"{call} '{path}' failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
