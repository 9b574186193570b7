using System.Runtime.InteropServices;

namespace RemotePoll.Testing.Processes;

/// <summary>The few POSIX calls .NET does not expose: signals to a pid and file ownership.</summary>
public static partial class UnixProcess
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>True when a process with <paramref name="pid"/> exists (it may be a zombie).</summary>
    public static bool Exists(int pid) => pid > 0 && (kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when there is no such process.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && kill(pid, signal) == 0;

    /// <summary>Changes the owner of <paramref name="path"/> (not following symbolic links).</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (lchown(path, (uint)uid, (uint)gid) != 0)
            throw new IOException($"chown {uid}:{gid} '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sets the permission bits of a file or directory.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>Creates a directory with the given permission bits (subject to the umask).</summary>
    public static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        Directory.CreateDirectory(path, mode);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);
}
