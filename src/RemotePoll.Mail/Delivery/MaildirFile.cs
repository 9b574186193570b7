using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static RemotePoll.Mail.Delivery.Libc;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Writing one message file into tmp/ and moving it into new/ or cur/ with as few system calls as the job needs. On
/// Linux: open(2) with O_CREAT|O_EXCL, one pwritev(2) of the whole message, futimens(2) for the internal date,
/// close(2); later one renameat2(2) with RENAME_NOREPLACE. .NET's FileStream and File.Move would add an flock
/// and its release, an fallocate, two lseeks, an fstat before setting the time and three lstats before the
/// rename (14 calls per message where these are 5); the file is the store's own (a unique name in tmp/, which
/// readers ignore), so the lock protects nothing. Elsewhere the .NET calls are used.
/// </summary>
internal static partial class MaildirFile
{
    private const int O_WRONLY = 0x1;
    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    private const int O_CLOEXEC = 0x80000;
    private const int AT_FDCWD = -100;
    private const uint RENAME_NOREPLACE = 1;
    private const long UTIME_OMIT = (1L << 30) - 2;
    private const int EEXIST = 17;
    private const int EINVAL = 22;

    private static bool s_noReplaceUnsupported;

    /// <summary>
    /// Creates <paramref name="path"/> (which must not exist) holding <paramref name="prefix"/> then
    /// <paramref name="content"/>, its mtime set to <paramref name="modified"/> when given. Nothing is flushed.
    /// </summary>
    /// <exception cref="IOException">The file could not be created or written; a created file is left for the caller to delete.</exception>
    /// <exception cref="UnauthorizedAccessException">Not permitted (non-Linux path).</exception>
    public static void Write(string path, ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> content, DateTimeOffset? modified)
    {
        if (!OperatingSystem.IsLinux())
        {
            WritePortable(path, prefix.Span, content.Span, modified);
            return;
        }
        int fd;
        do fd = Open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 384 /* 0600: mail is the account's alone */);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0) throw IoError("open", path);
        using var file = new SafeFileHandle(fd, ownsHandle: true);
        if (prefix.IsEmpty) RandomAccess.Write(file, content.Span, 0);
        else RandomAccess.Write(file, [prefix, content], 0);
        if (modified is { } date)
        {
            // The access time is left as it is (UTIME_OMIT); the modification time is the date, to the tick.
            var ticks = date.UtcTicks - DateTime.UnixEpoch.Ticks;
            var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
            if (rest < 0) (seconds, rest) = (seconds - 1, rest + TimeSpan.TicksPerSecond); // before 1970: floor, not truncate
            if (FutimeNs(fd, [new(0, UTIME_OMIT), new(seconds, rest * TimeSpan.NanosecondsPerTick)]) < 0) throw IoError("futimens", path);
        }
    }

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, never replacing a file already there.</summary>
    /// <exception cref="IOException">The rename failed, or <paramref name="to"/> exists.</exception>
    public static void Move(string from, string to)
    {
        if (OperatingSystem.IsLinux() && !s_noReplaceUnsupported)
        {
            if (RenameAt2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EEXIST) throw IoError("rename", to);
            // The file system (or an old kernel) has no RENAME_NOREPLACE: .NET's move checks the target first.
            if (errno is not (EINVAL or ENOSYS)) throw IoError("rename", from);
            s_noReplaceUnsupported = true;
        }
        File.Move(from, to);
    }

    private static void WritePortable(string path, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> content, DateTimeOffset? modified)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(prefix);
        file.Write(content);
        if (modified is { } date) File.SetLastWriteTimeUtc(file.SafeFileHandle, date.UtcDateTime);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static partial int FutimeNs(int fd, [In] TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
}
