using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// A <see cref="MaildirStore"/> in a fresh directory, removed afterwards. RPOLL_RIMAP_TMP puts it elsewhere than
/// the temp directory (e.g. /dev/shm, to take the disk's fsync cost out of a timing).
/// </summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Combine(Environment.GetEnvironmentVariable("RPOLL_RIMAP_TMP") ?? Path.GetTempPath(), "rpoll-rimap-" + Guid.NewGuid().ToString("N"));
        Store = new MaildirStore(Root);
    }

    public string Root { get; }

    public MaildirStore Store { get; }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
