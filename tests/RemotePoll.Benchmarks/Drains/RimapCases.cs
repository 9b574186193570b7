using RemotePoll.Benchmarks.Limits;
using RemotePoll.Benchmarks.Peers;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// RemotePoll's RIMAP mirror, in this process: <see cref="RimapMirror"/> exactly as the poller runs it (batches of
/// <see cref="BenchmarkOptions.BatchSize"/>, one UID FETCH and one durability barrier per batch, the folder state
/// committed after each), mirroring the folders of one remote account into a fresh <see cref="MaildirStore"/>.
/// The remote account is only read, so every run mirrors the same mailboxes; only the poll (connect to LOGOUT) is timed.
/// </summary>
internal static class RimapCases
{
    public const string Name = "rimap-maildir";
    public const string Tmpfs = "rimap-maildir-tmpfs";
    public const string ImapStore = "rimap-imap-store";
    private const string Account = "owner@local.example";

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        yield return new BenchmarkCase(Name, false,
            $"RimapMirror of {context.Options.Folders} folders into MaildirStore on the disk (per batch: one UID FETCH, one syncfs, renames, fsync of cur/, commit)",
            LimitCases.ImapSyncfsBatch, (run, count, ct) => MirrorAsync(context, tmpfs: false, count, ct))
        { AlsoComparedWith = LimitCases.ImapFsyncBatch, Peer = MbsyncCases.Name };
        yield return new BenchmarkCase(Tmpfs, false,
            "as rimap-maildir with the Maildir on tmpfs: the mirror without the disk", LimitCases.ImapTmpfs,
            (run, count, ct) => MirrorAsync(context, tmpfs: true, count, ct))
        { Peer = MbsyncCases.Tmpfs };
        yield return new BenchmarkCase(ImapStore, false,
            $"RimapMirror of {context.Options.Folders} folders into the same Dovecot over IMAP (ImapMailboxStore as the master user; MULTIAPPEND per batch), a fresh local user per run",
            LimitCases.ImapAppend, (run, count, ct) => MirrorToImapAsync(context, run, count, ct))
        { Peer = MbsyncCases.Imap };
    }

    /// <summary>The mirror of the remote user's <c>Folder*</c> under the local folder "Remote".</summary>
    private static RimapMirrorRequest Request(BenchContext context, string account, string user) => new()
    {
        Account = account,
        RecordName = "Remote",
        Host = new HostAndPort(context.Dovecot.Host, context.Dovecot.ImapPort),
        User = user,
        Password = BenchContext.Password,
        ListFilter = "Folder*",
        BatchSize = context.Options.BatchSize,
    };

    private static async Task<RunSample> MirrorToImapAsync(BenchContext context, int run, int count, CancellationToken ct)
    {
        var options = context.Options;
        var (user, perFolder) = await context.EnsureMirrorSourceAsync(count, ct);
        var local = $"{ImapStore}-{run}-{count}";
        await context.Dovecot.AddUserAsync(local, BenchContext.Password, ct);
        var store = new TimedMailboxStore(new ImapMailboxStore(context.Dovecot.Host, context.Dovecot.ImapPort,
            new ImapStoreOptions { MasterUser = context.Dovecot.MasterUser, MasterPassword = context.Dovecot.MasterPassword }));
        var request = Request(context, $"{local}@local.example", user);
        RimapMirrorResult? result = null;
        var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
            result = await RimapMirror.RunAsync(request, store, new Dictionary<string, RimapFolderState>(StringComparer.Ordinal),
                (_, _) => Task.CompletedTask, null, ct));
        var expected = perFolder * options.Folders;
        if (result!.Messages != expected || result.Failed.Any())
            throw new InvalidOperationException($"{ImapStore}: {result.Messages} of {expected} mirrored ({string.Join("; ", result.Failed.Select(f => f.Error))})");
        var stored = await context.CountFoldersAsync(local, ct);
        if (stored != expected) throw new InvalidOperationException($"{ImapStore}: {stored} messages in Dovecot, {expected} expected");
        return new RunSample(elapsed, cpu, result.Messages, result.Bytes, new Dictionary<string, TimeSpan>
        {
            ["IMAP session"] = elapsed - store.AppendTime - store.OtherTime,
            ["store (APPEND)"] = store.AppendTime,
            ["folders (list, create)"] = store.OtherTime,
        });
    }

    private static async Task<RunSample> MirrorAsync(BenchContext context, bool tmpfs, int count, CancellationToken ct)
    {
        var options = context.Options;
        var perFolder = Math.Max(1, count / options.Folders);
        var user = $"rimap{perFolder}";
        await context.EnsureImapFoldersAsync(user, perFolder, ct);
        var root = context.NewFolder(tmpfs ? Tmpfs : Name, tmpfs);
        try
        {
            var maildir = new MaildirStore(root);
            var store = new TimedMailboxStore(maildir);
            var known = new Dictionary<string, RimapFolderState>(StringComparer.Ordinal);
            var committed = new Dictionary<string, RimapFolderState>(StringComparer.Ordinal);
            var request = Request(context, Account, user);
            RimapMirrorResult? result = null;
            var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
                result = await RimapMirror.RunAsync(request, store, known, (p, _) =>
                {
                    committed[p.State.RemoteName] = p.State;
                    return Task.CompletedTask;
                }, null, ct));
            var expected = perFolder * options.Folders;
            if (result!.Messages != expected || result.Failed.Any())
                throw new InvalidOperationException($"{Name}: {result.Messages} of {expected} mirrored ({string.Join("; ", result.Failed.Select(f => f.Error))})");
            var files = context.ImapFolders.Sum(f =>
                Directory.GetFiles(Path.Combine(maildir.FolderDirectory(Account, MailboxPath.Parse($"Remote/{f}")), "cur")).Length);
            if (files != expected) throw new InvalidOperationException($"{Name}: {files} files in the Maildir, {expected} expected");
            if (committed.Values.Sum(c => c.HighestUid) != expected)
                throw new InvalidOperationException($"{Name}: the committed highest UIDs do not cover the {expected} messages");
            return new RunSample(elapsed, cpu, result.Messages, result.Bytes, new Dictionary<string, TimeSpan>
            {
                ["IMAP session"] = elapsed - store.AppendTime - store.OtherTime,
                ["store (write + barrier)"] = store.AppendTime,
                ["folders (list, create)"] = store.OtherTime,
            });
        }
        finally
        {
            context.Discard(root);
        }
    }
}
