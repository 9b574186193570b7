using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// fsync(2) for files and directories. .NET cannot open a directory as a stream, so directories go through
/// libc directly. On Windows a directory needs no flush (NTFS journals its entries) and none is done.
/// </summary>
internal sealed partial class PosixDiskFlush : IDiskFlush
{
    public static readonly PosixDiskFlush Instance = new();

    private const int O_RDONLY = 0;
    private const int EINTR = 4;

    public void FlushFile(FileStream file) => file.Flush(flushToDisk: true);

    public void FlushDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(path, O_RDONLY | DirectoryFlag);
        if (fd < 0) throw IoError("open", path);
        try
        {
            int rc;
            do rc = Fsync(fd); while (rc < 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (rc < 0) throw IoError("fsync", path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // O_DIRECTORY differs between Linux and the BSDs.
    private static int DirectoryFlag => OperatingSystem.IsLinux() ? 0x10000 : 0x100000;

    private static IOException IoError(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} '{path}' failed: {new Win32Exception(errno).Message}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
