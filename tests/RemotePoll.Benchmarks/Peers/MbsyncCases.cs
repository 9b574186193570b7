using System.Diagnostics;
using System.Globalization;
using RemotePoll.Benchmarks.Drains;
using RemotePoll.Benchmarks.Limits;

namespace RemotePoll.Benchmarks.Peers;

/// <summary>
/// The peer RIMAP is measured against: the real mbsync (isync) doing the same job in the same rounds: the same
/// remote account and folders as <see cref="RimapCases"/> (filter <c>Folder*</c>, IMAP on 127.0.0.1 without TLS),
/// pulled into a fresh Maildir++ on the disk (or on tmpfs), with mbsync's default durability (<c>FSync yes</c>:
/// each message file fsynced before its rename, the UID counter fdatasynced per message) and the internal date kept
/// as the file's mtime (<c>CopyArrivalDate yes</c>, as RemotePoll does); one informative case with <c>FSync no</c>.
/// The config is generated into the run's scratch folder (password included) and deleted with it. Timed from the
/// start of the process to its exit; CPU is mbsync's own (getrusage of the reaped child).
/// </summary>
internal static class MbsyncCases
{
    public const string Name = "mbsync-maildir";
    public const string Tmpfs = "mbsync-maildir-tmpfs";
    public const string NoFsync = "mbsync-maildir-nofsync";
    public const string Imap = "mbsync-imap";
    private const string Channel = "bench";

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        var mbsync = FindOnPath("mbsync");
        var missing = mbsync is null ? "not run: mbsync is not installed (`apt-get install -y isync`)" : null;
        yield return new BenchmarkCase(Name, false,
            "the real mbsync (FSync yes, CopyArrivalDate yes) pulling the same folders into a fresh Maildir on the disk",
            LimitCases.ImapSyncfsBatch, mbsync is null ? null : (run, count, ct) => SyncAsync(context, mbsync, tmpfs: false, fsync: true, count, ct), missing)
        { AlsoComparedWith = LimitCases.ImapFsyncBatch };
        yield return new BenchmarkCase(Tmpfs, false,
            "as mbsync-maildir with the Maildir on tmpfs", LimitCases.ImapTmpfs,
            mbsync is null ? null : (run, count, ct) => SyncAsync(context, mbsync, tmpfs: true, fsync: true, count, ct), missing);
        yield return new BenchmarkCase(NoFsync, false,
            "as mbsync-maildir with FSync no: not durable, informative (what mbsync does without its flushes)", LimitCases.ImapNone,
            mbsync is null ? null : (run, count, ct) => SyncAsync(context, mbsync, tmpfs: false, fsync: false, count, ct), missing);
        yield return new BenchmarkCase(Imap, false,
            "the real mbsync IMAP to IMAP: the same folders pulled into a fresh user of the same Dovecot (near side IMAP too)",
            LimitCases.ImapAppend, mbsync is null ? null : (run, count, ct) => SyncToImapAsync(context, mbsync, run, count, ct), missing);
    }

    private static async Task<RunSample> SyncToImapAsync(BenchContext context, string mbsync, int run, int count, CancellationToken ct)
    {
        var options = context.Options;
        var (user, perFolder) = await context.EnsureMirrorSourceAsync(count, ct);
        var near = $"{Imap}-{run}-{count}";
        await context.Dovecot.AddUserAsync(near, BenchContext.Password, ct);
        var scratch = context.NewFolder(Imap, tmpfs: true);
        try
        {
            var config = Path.Combine(scratch, "mbsyncrc");
            var state = Directory.CreateDirectory(Path.Combine(scratch, "state")).FullName;
            File.WriteAllText(config, Config(context, user, near: near, maildir: null, fsync: true, syncState: state + "/"));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (elapsed, used) = await RunAsync(mbsync, config, scratch, ct);
            var stored = await context.CountFoldersAsync(near, ct);
            if (stored != perFolder * options.Folders) throw new InvalidOperationException($"{Imap}: {stored} messages on the near side, {perFolder * options.Folders} expected");
            return new RunSample(elapsed, used, stored, (long)stored * options.Size, new Dictionary<string, TimeSpan>());
        }
        finally
        {
            context.Discard(scratch);
        }
    }

    private static Task<(TimeSpan Elapsed, TimeSpan Cpu)> RunAsync(string mbsync, string config, string scratch, CancellationToken ct) =>
        ChildrenCpu.RunAsync(new ProcessStartInfo(mbsync)
        {
            ArgumentList = { "-c", config, "-q", Channel },
            WorkingDirectory = scratch,
            Environment = { ["HOME"] = scratch },
        }, ct);

    private static async Task<RunSample> SyncAsync(BenchContext context, string mbsync, bool tmpfs, bool fsync, int count, CancellationToken ct)
    {
        var options = context.Options;
        var perFolder = Math.Max(1, count / options.Folders);
        var user = $"rimap{perFolder}"; // the mailboxes rimap-maildir mirrors
        await context.EnsureImapFoldersAsync(user, perFolder, ct);
        var scratch = context.NewFolder(tmpfs ? Tmpfs : fsync ? Name : NoFsync, tmpfs);
        try
        {
            var maildir = Path.Combine(scratch, "Maildir");
            var config = Path.Combine(scratch, "mbsyncrc");
            File.WriteAllText(config, Config(context, user, near: null, maildir, fsync, syncState: "*"));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (elapsed, used) = await RunAsync(mbsync, config, scratch, ct);

            var expected = perFolder * options.Folders;
            var files = context.ImapFolders.Sum(f => new[] { "cur", "new" }
                .Sum(sub => Directory.EnumerateFiles(Path.Combine(maildir, "." + f, sub)).Count()));
            if (files != expected) throw new InvalidOperationException($"{Name}: {files} files in the Maildir, {expected} expected");
            var bytes = context.ImapFolders.Sum(f => new[] { "cur", "new" }
                .Sum(sub => Directory.EnumerateFiles(Path.Combine(maildir, "." + f, sub)).Sum(p => new FileInfo(p).Length)));
            return new RunSample(elapsed, used, files, bytes, new Dictionary<string, TimeSpan>());
        }
        finally
        {
            context.Discard(scratch);
        }
    }

    // AuthMechs LOGIN: with SSLType None mbsync accepts no mechanism unless told (the test Dovecot allows plaintext
    // on loopback). SyncState * keeps the sync state inside the scratch Maildir.
    private static string ImapAccount(BenchContext context, string name, string user) => string.Create(CultureInfo.InvariantCulture, $"""
        IMAPAccount {name}
        Host {context.Dovecot.Host}
        Port {context.Dovecot.ImapPort}
        User {user}
        Pass {BenchContext.Password}
        SSLType None
        AuthMechs LOGIN
        """);

    private static string Config(BenchContext context, string user, string? near, string? maildir, bool fsync, string syncState)
    {
        // Near side: a Maildir++ tree, or a user of the same Dovecot over IMAP (mbsync IMAP to IMAP).
        var nearStore = near is null ? $"""
            MaildirStore local
            Inbox {maildir}
            SubFolders Maildir++
            """ : ImapAccount(context, "near", near) + "\n" + """

            IMAPStore local
            Account near
            """;
        return string.Create(CultureInfo.InvariantCulture, $"""
            FSync {(fsync ? "yes" : "no")}

            {ImapAccount(context, "remote", user)}

            IMAPStore remote
            Account remote

            {nearStore}

            Channel {Channel}
            Far :remote:
            Near :local:
            Patterns Folder*
            Create Near
            Sync Pull
            CopyArrivalDate yes
            SyncState {syncState}

            """);
    }

    internal static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
