using System.Collections.Concurrent;
using System.Diagnostics;
using RemotePoll.Benchmarks.Limits;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.Benchmarks;

/// <summary>
/// What every case shares: the private Dovecot (POP3, IMAP, LMTP on 127.0.0.1), the options, and two scratch
/// folders, one on the disk (durable figures) and one on tmpfs (where fsync costs nothing). Mailboxes are loaded
/// and warmed here, outside the timed part: Dovecot builds its index on the first session, which no case should pay.
/// </summary>
internal sealed class BenchContext : IAsyncDisposable
{
    public const string Password = "bench-secret";
    private readonly ConcurrentDictionary<string, Lazy<Task>> _mailboxes = new(StringComparer.Ordinal);

    private BenchContext(DovecotServer dovecot, BenchmarkOptions options, string diskRoot, string tmpfsRoot)
    {
        Dovecot = dovecot;
        Options = options;
        DiskRoot = diskRoot;
        TmpfsRoot = tmpfsRoot;
    }

    public DovecotServer Dovecot { get; }
    public BenchmarkOptions Options { get; }
    public string DiskRoot { get; }
    public string TmpfsRoot { get; }

    public static async Task<BenchContext> StartAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        // The limits and the drains must not pay for \Seen flag updates at QUIT (a rename per message in Maildir).
        var dovecot = await DovecotServer.StartAsync(new DovecotOptions { ExtraConfig = "pop3_no_flag_updates = yes" }, cancellationToken);
        var tag = $"rpoll-bench-{Environment.ProcessId}";
        var disk = Directory.CreateDirectory(Path.Combine(options.Disk, tag)).FullName;
        var tmpfs = Directory.CreateDirectory(Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), tag)).FullName;
        return new BenchContext(dovecot, options, disk, tmpfs);
    }

    /// <summary>A fresh empty folder for one run, on the disk or on tmpfs.</summary>
    public string NewFolder(string name, bool tmpfs = false)
    {
        var path = Path.Combine(tmpfs ? TmpfsRoot : DiskRoot, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        return Directory.CreateDirectory(path).FullName;
    }

    /// <summary>
    /// Done with a run's folder. One on tmpfs is deleted now. One on the disk is kept until the benchmark ends (the
    /// disk root is deleted then): this machine's ext4 has no journal, and without one ext4 does not reuse an inode
    /// freed recently, about a minute (<c>recently_deleted</c> in fs/ext4/ialloc.c), so every file created after
    /// thousands were deleted first steps over all of them. In the profile of 2026-11-26 01:33 that was 30% of the
    /// writing threads' time, paid by whichever case ran after a deletion.
    /// </summary>
    public void Discard(string path)
    {
        if (path.StartsWith(TmpfsRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)) DeleteFolder(path);
    }

    /// <summary>
    /// Before a timed run: the disk's dirty pages, left by the runs before it, are written back now, so that no run
    /// pays for another's write-back.
    /// </summary>
    public void Settle() => DiskSync.SyncFileSystem(DiskRoot);

    public static void DeleteFolder(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A user whose INBOX holds <paramref name="count"/> corpus messages, indexed by Dovecot; made once per name.</summary>
    public Task EnsurePop3MailboxAsync(string user, int count, CancellationToken cancellationToken) =>
        _mailboxes.GetOrAdd(user, _ => new Lazy<Task>(() => LoadPop3Async(user, count, cancellationToken))).Value;

    /// <summary>A user with <see cref="BenchmarkOptions.Folders"/> folders of <paramref name="perFolder"/> messages; made once per name.</summary>
    public Task EnsureImapFoldersAsync(string user, int perFolder, CancellationToken cancellationToken) =>
        _mailboxes.GetOrAdd(user, _ => new Lazy<Task>(() => LoadImapAsync(user, perFolder, cancellationToken))).Value;

    public IReadOnlyList<string> ImapFolders => Enumerable.Range(1, Options.Folders).Select(i => $"Folder{i}").ToArray();

    private async Task LoadPop3Async(string user, int count, CancellationToken cancellationToken)
    {
        await Dovecot.AddUserAsync(user, Password, cancellationToken);
        await Dovecot.InjectManyAsync(user, Corpus.Messages(user, count, Options.Size), cancellationToken: cancellationToken);
        var listed = await Pop3PipelinedClient.ListAsync(Dovecot.Host, Dovecot.Pop3Port, user, Password, cancellationToken);
        if (listed != count) throw new InvalidOperationException($"Dovecot lists {listed} messages for {user}, {count} were injected");
    }

    private async Task LoadImapAsync(string user, int perFolder, CancellationToken cancellationToken)
    {
        await Dovecot.AddUserAsync(user, Password, cancellationToken);
        foreach (var folder in ImapFolders)
            await Dovecot.InjectManyAsync(user, Corpus.Messages($"{user}.{folder}", perFolder, Options.Size), folder, cancellationToken);
        var warm = NewFolder("imap-warm", tmpfs: true);
        try
        {
            using var sink = new MessageFileSink(warm, FileDurability.None, Options.BatchSize);
            await ImapFetchClient.FetchFoldersAsync(Dovecot.Host, Dovecot.ImapPort, user, Password, ImapFolders, "1:1", sink, cancellationToken);
        }
        finally
        {
            DeleteFolder(warm);
        }
    }

    /// <summary>The remote account the mirror cases read (<see cref="ImapFolders"/>, count split over them), loaded once.</summary>
    public async Task<(string User, int PerFolder)> EnsureMirrorSourceAsync(int count, CancellationToken cancellationToken)
    {
        var perFolder = Math.Max(1, count / Options.Folders);
        var user = $"rimap{perFolder}";
        await EnsureImapFoldersAsync(user, perFolder, cancellationToken);
        return (user, perFolder);
    }

    /// <summary>The messages of every folder of <paramref name="user"/> whose name holds "Folder" (what a mirror or mbsync made).</summary>
    public async Task<int> CountFoldersAsync(string user, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var folder in (await Dovecot.ListFoldersAsync(user, cancellationToken)).Where(f => f.Contains("Folder", StringComparison.Ordinal)))
            total += await Dovecot.CountAsync(user, folder, cancellationToken);
        return total;
    }

    /// <summary>Times <paramref name="work"/> and the CPU this process spent meanwhile (every thread: I/O, GC, JIT).</summary>
    public static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> MeasureAsync(Func<Task> work)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await work();
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        return (elapsed, self.TotalProcessorTime - cpu);
    }

    public async ValueTask DisposeAsync()
    {
        await Dovecot.DisposeAsync();
        DeleteFolder(DiskRoot);
        DeleteFolder(TmpfsRoot);
    }
}
