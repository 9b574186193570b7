using System.Runtime.InteropServices;
using static RemotePoll.Mail.Delivery.Libc;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// fsync(2) for files and directories, and syncfs(2) for a whole batch on Linux 5.8 or later (the first kernel
/// whose syncfs reports write-back errors, through the descriptor it is called on). .NET cannot open a directory as
/// a stream, so directories go through libc directly. On Windows a directory needs no flush (NTFS journals its
/// entries) and none is done.
/// </summary>
internal sealed partial class PosixDiskFlush : IDiskFlush
{
    public static readonly PosixDiskFlush Instance = new();

    private const int O_RDONLY = 0;

    private static readonly bool s_syncfsReportsErrors =
        OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(5, 8);

    public void FlushFile(FileStream file) => file.Flush(flushToDisk: true);

    public void FlushDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = OpenDirectory(path);
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

    public IFileSystemBarrier? OpenFileSystem(string path)
    {
        if (!s_syncfsReportsErrors) return null;
        var fd = Open(path, O_RDONLY | DirectoryFlag, 0);
        return fd < 0 ? null : new SyncFsBarrier(fd, path);
    }

    private static int OpenDirectory(string path)
    {
        var fd = Open(path, O_RDONLY | DirectoryFlag, 0);
        return fd >= 0 ? fd : throw IoError("open", path);
    }

    // O_DIRECTORY differs between Linux and the BSDs.
    private static int DirectoryFlag => OperatingSystem.IsLinux() ? 0x10000 : 0x100000;

    /// <summary>
    /// The descriptor is opened before the batch is written: the kernel samples the file system's error sequence at
    /// open, and syncfs on it reports any write-back error since (Linux 5.8+).
    /// </summary>
    private sealed class SyncFsBarrier(int fd, string path) : IFileSystemBarrier
    {
        private const int EPERM = 1;
        private const int EOPNOTSUPP = 95;
        private int _fd = fd;

        public bool TrySync()
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            if (SyncFs(_fd) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOSYS or EPERM or EOPNOTSUPP) return false; // refused by a seccomp filter or the file system
            throw IoError("syncfs", path);
        }

        public void Dispose()
        {
            if (_fd < 0) return;
            _ = Close(_fd);
            _fd = -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
