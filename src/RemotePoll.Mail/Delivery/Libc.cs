using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RemotePoll.Mail.Delivery;

/// <summary>The libc calls and errno values the Maildir store's durable file work shares (<see cref="PosixDiskFlush"/>, <see cref="MaildirFile"/>).</summary>
internal static partial class Libc
{
    public const int EINTR = 4;
    public const int ENOSYS = 38;

    /// <summary>An IOException naming the call, the path and the errno of the last libc call.</summary>
    public static IOException IoError(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} '{path}' failed: {new Win32Exception(errno).Message}", errno);
    }

    /// <summary>open(2); <paramref name="mode"/> matters only with O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);
}
