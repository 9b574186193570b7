using System.Text;
using MailKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The embedded default store: one Maildir++ tree per account under a root folder (layout and names in
/// <see cref="MaildirNames"/>: <c>ROOT/domain/user/Maildir/</c>, INBOX at the top, subfolders <c>.A.B</c>).
/// <para>A message is written to tmp/ under a unique name; once per batch (the durability barrier) the batch's
/// data is flushed to the disk (one syncfs(2) on Linux 5.8+, else an fsync per file), the files are renamed into
/// new/ (a delivery, or a stored message without flags) or cur/ with their flags (<c>:2,S</c>) and internal date as
/// mtime, and the touched directories are fsynced; only then is the batch reported delivered. Readers only look
/// in new/ and cur/, so they never see a partial file. Folders are built in tmp/ and
/// renamed into place, so a reader never sees half a folder either.</para>
/// <para>As <see cref="IQueueDelivery"/> it is the embedded "queue": each recipient's INBOX, no rules, with
/// <c>Return-Path</c> and <c>Delivered-To</c> added as a delivery agent does. It never sends failure reports, so it
/// does not advertise DSN.</para>
/// <para>Keywords are not stored: Maildir++ has no portable place for them (Dovecot keeps its own
/// dovecot-keywords file, which another writer must not touch).</para>
/// <para>Calls block on the disk; they run on the thread pool, never on the caller's thread. A batch that has
/// started is finished even if cancelled, so that no written message goes unreported.</para>
/// </summary>
public sealed class MaildirStore : IMailboxStore, IQueueDelivery
{
    private static readonly string[] s_subdirectories = ["cur", "new", "tmp"];

    private readonly IDiskFlush _flush;
    private readonly HashSet<string>? _knownAccounts;

    /// <param name="root">The folder that holds every account's Maildir; created when missing.</param>
    /// <param name="knownAccounts">
    /// The accounts that exist (any well-formed address is accepted when null); mail for others is refused with
    /// 5.1.1.
    /// </param>
    public MaildirStore(string root, IEnumerable<string>? knownAccounts = null)
        : this(root, knownAccounts, PosixDiskFlush.Instance)
    {
    }

    internal MaildirStore(string root, IEnumerable<string>? knownAccounts, IDiskFlush flush)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _flush = flush;
        _knownAccounts = knownAccounts?.Select(a => a.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    public string Root { get; }

    public bool AdvertisesDsn => false;

    /// <summary>The account's Maildir (its INBOX).</summary>
    /// <exception cref="ArgumentException">The account is not a well-formed address.</exception>
    public string AccountDirectory(string account) => MaildirNames.AccountDirectory(Root, account);

    /// <summary>The directory that holds <paramref name="folder"/> of the account.</summary>
    /// <exception cref="ArgumentException">The account is not well-formed or the name is too long.</exception>
    public string FolderDirectory(string account, MailboxPath folder) =>
        Path.Combine(AccountDirectory(account), MaildirNames.FolderDirectoryName(folder));

    public Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        var accountDir = AccountDirectory(account);
        MaildirNames.FolderDirectoryName(folder);
        return Task.Run(() => EnsureFolder(accountDir, folder), cancellationToken);
    }

    public Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        Task.FromResult(IsMaildir(FolderDirectory(account, folder)));

    public Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken cancellationToken)
    {
        var accountDir = AccountDirectory(account);
        return Task.Run<IReadOnlyList<MailboxPath>>(() =>
        {
            if (!IsMaildir(accountDir)) return [];
            var folders = new List<MailboxPath> { MailboxPath.Inbox };
            foreach (var dir in Directory.EnumerateDirectories(accountDir, ".*"))
            {
                var folder = MaildirNames.FolderFromDirectoryName(Path.GetFileName(dir));
                if (folder is not null && IsMaildir(dir)) folders.Add(folder);
            }
            return folders.OrderBy(f => f.ToString(), StringComparer.Ordinal).ToArray();
        }, cancellationToken);
    }

    /// <summary>Reads the first line of every message in new/ and cur/ for the mirror's mark.</summary>
    public Task<FolderMessages> CountMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        var folderDir = FolderDirectory(account, folder);
        return Task.Run(() =>
        {
            if (!IsMaildir(folderDir)) return FolderMessages.None;
            var (mirrored, others) = (0, 0);
            foreach (var sub in new[] { "new", "cur" })
                foreach (var file in Directory.EnumerateFiles(Path.Combine(folderDir, sub)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    switch (IsMirrorCopy(file))
                    {
                        case true: mirrored++; break;
                        case false: others++; break;
                    }
                }
            return new FolderMessages(mirrored, others);
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes the files of new/ and cur/ whose first line is the mirror's mark (tmp/ holds other writers' messages
    /// in flight), then fsyncs the directories it removed from. new/ goes first, and passes repeat while copies
    /// remain, so a copy a reader moves from new/ to cur/ meanwhile is not missed. Every other file stays.
    /// </summary>
    public Task<FolderMessages> RemoveMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken)
    {
        var folderDir = FolderDirectory(account, folder);
        return Task.Run(() =>
        {
            if (!IsMaildir(folderDir)) return FolderMessages.None;
            var removed = 0;
            for (var pass = 0; pass < 3; pass++)
            {
                var found = 0;
                foreach (var sub in new[] { "new", "cur" })
                {
                    var dir = Path.Combine(folderDir, sub);
                    var here = 0;
                    foreach (var file in Directory.EnumerateFiles(dir))
                    {
                        if (IsMirrorCopy(file) != true) continue;
                        File.Delete(file);
                        here++;
                    }
                    if (here > 0) _flush.FlushDirectory(dir);
                    found += here;
                }
                removed += found;
                if (found == 0) break;
            }
            var others = new[] { "new", "cur" }.Sum(sub => Directory.EnumerateFiles(Path.Combine(folderDir, sub)).Count());
            return new FolderMessages(removed, others);
        }, cancellationToken);
    }

    /// <summary>Whether the message file starts with the mirror's mark; null when it is gone (moved or expunged meanwhile).</summary>
    private static bool? IsMirrorCopy(string file) => Head(file) is { } head ? MirrorStamp.IsMarked(head) : null;

    /// <summary>The first bytes of the message file, where the mirror's mark is; null when it is gone (moved or expunged meanwhile).</summary>
    private static byte[]? Head(string file)
    {
        var head = new byte[MirrorStamp.SearchedBytes];
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }
        catch (FileNotFoundException) { return null; }
    }

    /// <summary>
    /// Reads the first line of every message in new/ and cur/ for the mirror's mark: a copy of this UIDVALIDITY whose UID
    /// the remote said gone is deleted; one whose flags differ from the remote's is renamed into cur/ with them (its
    /// <c>:2,</c> info; letters that are no IMAP flag, such as Dovecot's keyword letters, stay). Then the changed
    /// directories are fsynced. A file a reader moved or removed meanwhile is passed over: the next sync finds it.
    /// </summary>
    public Task<MirrorSyncResult> ApplyMirrorChangesAsync(string account, MailboxPath folder, MirrorChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var folderDir = FolderDirectory(account, folder);
        return Task.Run(() =>
        {
            if (!IsMaildir(folderDir)) return MirrorSyncResult.None;
            var (changed, removed) = (0, 0);
            var cur = Path.Combine(folderDir, "cur");
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sub in new[] { "new", "cur" })
            {
                var dir = Path.Combine(folderDir, sub);
                foreach (var file in Directory.EnumerateFiles(dir).ToArray())
                {
                    if (Head(file) is not { } head || MirrorStamp.Read(head) is not { } mark || mark.UidValidity != changes.UidValidity) continue;
                    if (changes.IsGone(mark.Uid))
                    {
                        File.Delete(file);
                        removed++;
                        touched.Add(dir);
                        continue;
                    }
                    if (!changes.Flags.TryGetValue(mark.Uid, out var flags)) continue;
                    flags &= MaildirNames.StorableFlags;
                    var name = Path.GetFileName(file);
                    var target = MaildirNames.WithFlags(name, flags);
                    if (sub == "new" ? flags == MessageFlags.None : target == name) continue;
                    try
                    {
                        File.Move(file, Path.Combine(cur, target));
                    }
                    catch (FileNotFoundException) { continue; }
                    changed++;
                    touched.Add(dir);
                    touched.Add(cur);
                }
            }
            foreach (var dir in touched) _flush.FlushDirectory(dir);
            return new MirrorSyncResult(changed, removed);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(
        string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken)
    {
        var folderDir = FolderDirectory(account, folder);
        return Task.Run<IReadOnlyList<DeliveryOutcome>>(() =>
        {
            if (!IsMaildir(folderDir))
                return Enumerable.Repeat(DeliveryOutcome.Temporary($"4.2.0 mailbox '{folder}' of {account} does not exist"), messages.Count).ToArray();
            using var batch = new Barrier(this);
            var outcomes = new DeliveryOutcome?[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                var flags = m.Flags & MaildirNames.StorableFlags;
                var toCur = flags != MessageFlags.None || m.InternalDate is not null;
                outcomes[i] = batch.Write(folderDir, ReadOnlyMemory<byte>.Empty, m.Content, toCur, flags, m.InternalDate);
            }
            var failure = batch.Cross();
            return outcomes.Select(o => o ?? failure ?? DeliveryOutcome.Delivered).ToArray();
        }, cancellationToken);
    }

    /// <summary>Reads the head of every message in new/ and cur/ of the folder for the stamps; a missing folder has none.</summary>
    public Task<IReadOnlySet<string>?> FindStampedAsync(string account, MailboxPath folder, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var folderDir = FolderDirectory(account, folder);
        return Task.Run<IReadOnlySet<string>?>(() =>
        {
            var wanted = ids.ToHashSet(StringComparer.Ordinal);
            var found = new HashSet<string>(StringComparer.Ordinal);
            var head = new byte[DeliveryStamp.SearchedBytes];
            foreach (var sub in new[] { "new", "cur" })
            {
                var dir = Path.Combine(folderDir, sub);
                if (!Directory.Exists(dir)) continue;
                foreach (var file in Directory.EnumerateFiles(dir))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int read;
                    try
                    {
                        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                        read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                    }
                    catch (FileNotFoundException) { continue; } // moved or expunged meanwhile
                    if (DeliveryStamp.Find(head.AsSpan(0, read)) is { } id && wanted.Contains(id)) found.Add(id);
                }
            }
            return found;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<MessageDeliveryResult>>(() =>
        {
            using var barrier = new Barrier(this);
            var ensured = new Dictionary<string, DeliveryOutcome?>(StringComparer.Ordinal);
            var outcomes = batch.Select(m => new DeliveryOutcome?[m.Envelope.Recipients.Count]).ToArray();
            for (var i = 0; i < batch.Count; i++)
            {
                var envelope = batch[i].Envelope;
                for (var r = 0; r < envelope.Recipients.Count; r++)
                    outcomes[i][r] = DeliverToInbox(batch[i], envelope.Recipients[r].Address, barrier, ensured);
            }
            var failure = barrier.Cross();
            return batch.Select((m, i) => new MessageDeliveryResult(m, m.Envelope.Recipients
                .Select((rcpt, r) => new RecipientOutcome(rcpt, outcomes[i][r] ?? failure ?? DeliveryOutcome.Delivered))
                .ToArray())).ToArray();
        }, cancellationToken);

    /// <summary>
    /// Whether <paramref name="address"/> is an existing account of the embedded store: a known account, or, without a
    /// list of accounts, one whose Maildir exists (Unified Domain-Wide Accounts with Special "*" deliver only to those).
    /// </summary>
    public Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(RefusalOf(address) is null && (_knownAccounts is not null || IsMaildir(AccountDirectory(address))));

    private DeliveryOutcome? RefusalOf(string address)
    {
        if (!AddressParts.TrySplit(address, out _, out _, out var reason))
            return DeliveryOutcome.Permanent($"5.1.3 <{address}> {reason}");
        if (_knownAccounts is not null && !_knownAccounts.Contains(address.ToLowerInvariant()))
            return DeliveryOutcome.Permanent($"5.1.1 <{address}> is not a local account");
        return null;
    }

    // Null means written and waiting for the barrier.
    private DeliveryOutcome? DeliverToInbox(MessageToDeliver message, string recipient, Barrier barrier, Dictionary<string, DeliveryOutcome?> ensured)
    {
        var refusal = RefusalOf(recipient);
        if (refusal is not null) return refusal;
        var accountDir = AccountDirectory(recipient);
        // Without a list of accounts, a mailbox is made only for the account the message was retrieved for (a Remote Poll
        // account, whose records exist); any other recipient must have one already, so addresses a message names (a
        // Unified Domain-Wide Account's X-Real-To) cannot create mailboxes.
        if (_knownAccounts is null && !string.Equals(recipient, message.Account, StringComparison.OrdinalIgnoreCase)
            && !ensured.ContainsKey(accountDir) && !IsMaildir(accountDir))
            return DeliveryOutcome.Permanent($"5.1.1 <{recipient}> has no mailbox in this store");
        if (!ensured.TryGetValue(accountDir, out var ensureFailure))
        {
            try { EnsureFolder(accountDir, MailboxPath.Inbox); ensureFailure = null; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { ensureFailure = DeliveryOutcome.Temporary($"4.3.0 cannot create the Maildir of <{recipient}>: {e.Message}"); }
            ensured[accountDir] = ensureFailure;
        }
        if (ensureFailure is not null) return ensureFailure;
        var prefix = DeliveryHeader(message, recipient);
        return barrier.Write(accountDir, prefix, message.Content, toCur: false, MessageFlags.None, internalDate: null);
    }

    // Spec, Unified Domain-Wide Accounts: the envelope sender is added as Return-Path when a message is stored.
    private static byte[] DeliveryHeader(MessageToDeliver message, string recipient)
    {
        var span = message.Content.Span;
        var lf = span.IndexOf((byte)'\n');
        var eol = lf > 0 && span[lf - 1] == '\r' ? "\r\n" : lf >= 0 ? "\n" : "\r\n";
        return Encoding.UTF8.GetBytes($"Return-Path: <{message.Envelope.Sender}>{eol}Delivered-To: <{recipient}>{eol}");
    }

    private bool EnsureFolder(string accountDir, MailboxPath folder)
    {
        var existed = EnsureAccountMaildir(accountDir);
        if (folder.IsInbox) return existed;
        var created = false;
        foreach (var level in folder.SelfAndAncestors())
        {
            if (level.IsInbox) continue;
            var dir = Path.Combine(accountDir, MaildirNames.FolderDirectoryName(level));
            existed = IsMaildir(dir) || CreateMaildir(dir, Path.Combine(accountDir, "tmp"), subfolder: true);
            created |= !existed;
        }
        if (created) _flush.FlushDirectory(accountDir);
        return existed;
    }

    private bool EnsureAccountMaildir(string accountDir)
    {
        if (IsMaildir(accountDir)) return true;
        var userDir = Path.GetDirectoryName(accountDir)!;
        var missing = new Stack<string>();
        for (var d = userDir; !Directory.Exists(d); d = Path.GetDirectoryName(d)!) missing.Push(d);
        foreach (var d in missing)
        {
            CreateOwnerOnlyDirectory(d);
            _flush.FlushDirectory(Path.GetDirectoryName(d)!);
        }
        var existed = CreateMaildir(accountDir, userDir, subfolder: false);
        if (!existed) _flush.FlushDirectory(userDir);
        return existed;
    }

    /// <summary>Builds cur/new/tmp in a staging directory and renames it into place; true if it already existed.</summary>
    private bool CreateMaildir(string target, string stagingParent, bool subfolder)
    {
        if (Directory.Exists(target))
        {
            // Half a Maildir, made by someone else: complete it in place.
            foreach (var sub in s_subdirectories) CreateOwnerOnlyDirectory(Path.Combine(target, sub));
            _flush.FlushDirectory(target);
            return true;
        }
        var staging = Path.Combine(stagingParent, ".mkdir." + MaildirNames.NewMessageName(0));
        try
        {
            CreateOwnerOnlyDirectory(staging); // parents made on the way get the default mode, so the folder itself first
            foreach (var sub in s_subdirectories) CreateOwnerOnlyDirectory(Path.Combine(staging, sub));
            // Courier and Dovecot mark Maildir++ subfolders with an empty maildirfolder file.
            if (subfolder) MaildirFile.Write(Path.Combine(staging, "maildirfolder"), default, default, null);
            _flush.FlushDirectory(staging);
            Directory.Move(staging, target);
            return false;
        }
        catch (IOException) when (IsMaildir(target))
        {
            return true; // created concurrently
        }
        finally
        {
            if (Directory.Exists(staging)) TryDeleteDirectory(staging);
        }
    }

    /// <summary>Mail is the account's alone: folders are made 0700 (and files 0600, <see cref="MaildirFile"/>) whatever the umask.</summary>
    private static void CreateOwnerOnlyDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsMaildir(string dir) => s_subdirectories.All(s => Directory.Exists(Path.Combine(dir, s)));

    private static void TryDeleteDirectory(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// The messages of one batch, made durable together. Each is written to tmp/ without waiting. At the barrier their
    /// data goes to the disk first: on Linux 5.8 or later with one syncfs(2) of each file system written to (one
    /// device flush for the whole batch; the descriptor is opened before the first write, so a write-back error
    /// of the batch is reported), else, or when the kernel refuses syncfs, by fsyncing the files concurrently (the
    /// file system commits them as a group rather than one disk flush each). Then the files are renamed into new/
    /// or cur/ and each directory is fsynced once, so their entries are durable too. A file is never in new/ or
    /// cur/ before its data is on the disk, and the batch is reported delivered only after both flushes.
    /// </summary>
    private sealed class Barrier(MaildirStore store) : IDisposable
    {
        private const int ConcurrentFlushes = 32;
        private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
        private readonly Dictionary<string, IFileSystemBarrier?> _fileSystems = new(StringComparer.Ordinal);
        private readonly List<(string Tmp, string Final, string Directory)> _pending = [];

        /// <summary>Writes one file; null when it waits for <see cref="Cross"/>, else the failure.</summary>
        public DeliveryOutcome? Write(string folderDir, ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> content,
            bool toCur, MessageFlags flags, DateTimeOffset? internalDate)
        {
            var size = prefix.Length + content.Length;
            var name = MaildirNames.NewMessageName(size);
            var tmp = Path.Combine(folderDir, "tmp", name);
            try
            {
                if (!_fileSystems.ContainsKey(folderDir)) _fileSystems[folderDir] = store._flush.OpenFileSystem(folderDir);
                MaildirFile.Write(tmp, prefix, content, internalDate);
                var directory = Path.Combine(folderDir, toCur ? "cur" : "new");
                _pending.Add((tmp, Path.Combine(directory, toCur ? name + MaildirNames.InfoSuffix(flags) : name), directory));
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                return DeliveryOutcome.Temporary($"4.3.0 cannot write to {folderDir}: {e.Message}");
            }
        }

        /// <summary>Flushes the batch's data, renames the files into place, fsyncs their directories; null when all are durable.</summary>
        public DeliveryOutcome? Cross()
        {
            if (_pending.Count == 0) return null;
            try
            {
                if (!SyncFileSystems())
                {
                    Parallel.ForEach(_pending, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentFlushes }, p =>
                    {
                        using var file = new FileStream(p.Tmp, FileMode.Open, FileAccess.Write, FileShare.Read, 1);
                        store._flush.FlushFile(file);
                    });
                }
                foreach (var p in _pending)
                {
                    MaildirFile.Move(p.Tmp, p.Final);
                    _directories.Add(p.Directory);
                }
                foreach (var d in _directories) store._flush.FlushDirectory(d);
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or AggregateException)
            {
                foreach (var p in _pending)
                    try { File.Delete(p.Tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                return DeliveryOutcome.Temporary($"4.3.0 durability barrier failed: {e.Message}");
            }
        }

        public void Dispose()
        {
            foreach (var fs in _fileSystems.Values) fs?.Dispose();
            _fileSystems.Clear();
        }

        /// <summary>One syncfs per folder written to; false when some folder has none or the kernel refused one.</summary>
        private bool SyncFileSystems()
        {
            if (_fileSystems.Count == 0 || _fileSystems.ContainsValue(null)) return false;
            foreach (var fs in _fileSystems.Values)
                if (!fs!.TrySync()) return false;
            return true;
        }
    }
}
