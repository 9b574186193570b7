using Xunit;
using System.Text;
using MailKit;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Tests.Delivery;

public sealed class MaildirStoreTests : IDisposable
{
    private const string Account = "alice@example.com";
    private readonly TempDirectory _root = new();
    private readonly RecordingDiskFlush _flush = new();
    private readonly MaildirStore _store;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public MaildirStoreTests() => _store = new MaildirStore(_root.Path, null, _flush);

    public void Dispose() => _root.Dispose();

    private static byte[] Message(string subject, string body = "Hello.") =>
        Encoding.ASCII.GetBytes($"From: bob@remote.example\r\nSubject: {subject}\r\n\r\n{body}\r\n");

    private string Inbox(string account = Account) => _store.AccountDirectory(account);

    [Fact]
    public async Task Delivery_lands_in_new_of_the_recipients_inbox_with_return_path_and_delivered_to()
    {
        var message = MessageToDeliver.ForAccount(Account, "bob@remote.example", Message("one"));

        var results = await _store.DeliverBatchAsync([message], Ct);

        Assert.True(results.Single().AllDelivered);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(Inbox(), "new")));
        Assert.Equal(Path.Combine(_root.Path, "example.com", "alice", "Maildir", "new"), Path.GetDirectoryName(file));
        var text = await File.ReadAllTextAsync(file, Ct);
        Assert.StartsWith("Return-Path: <bob@remote.example>\r\nDelivered-To: <alice@example.com>\r\nFrom: bob@remote.example\r\n", text);
        Assert.EndsWith("Hello.\r\n", text);
        Assert.Empty(Directory.GetFiles(Path.Combine(Inbox(), "tmp")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Inbox(), "cur")));
    }

    [Fact]
    public async Task Message_file_name_is_unique_and_carries_its_size()
    {
        var content = Message("size");
        var batch = Enumerable.Range(0, 20).Select(_ => MessageToDeliver.ForAccount(Account, null, content)).ToArray();

        await _store.DeliverBatchAsync(batch, Ct);

        var files = Directory.GetFiles(Path.Combine(Inbox(), "new"));
        Assert.Equal(20, files.Length);
        foreach (var f in files)
        {
            var size = new FileInfo(f).Length;
            Assert.EndsWith($",S={size}", Path.GetFileName(f));
            Assert.Matches(@"^\d+\.M\d+P\d+Q\d+R[0-9a-f]{8}\.[^/:]+,S=\d+$", Path.GetFileName(f));
        }
    }

    [Fact]
    public async Task Unknown_account_is_refused_with_5_1_1_and_the_rest_of_the_batch_is_delivered()
    {
        var store = new MaildirStore(_root.Path, [Account], _flush);
        var batch = new[]
        {
            MessageToDeliver.ForAccount("nobody@example.com", null, Message("lost")),
            MessageToDeliver.ForAccount(Account, null, Message("kept")),
        };

        var results = await store.DeliverBatchAsync(batch, Ct);

        var refused = Assert.Single(results[0].Recipients).Outcome;
        Assert.Equal(DeliveryStatus.PermanentFailure, refused.Status);
        Assert.Equal("5.1.1", refused.EnhancedStatusCode);
        Assert.True(results[1].AllDelivered);
        Assert.Single(Directory.GetFiles(Path.Combine(Inbox(), "new")));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "example.com", "nobody")));
    }

    [Fact]
    public async Task Every_recipient_gets_its_own_copy_and_outcome()
    {
        var envelope = new MessageEnvelope("bob@remote.example",
            [new("alice@example.com", DsnNotify.Failure), new("carol@example.com", DsnNotify.Failure), new("not an address", DsnNotify.Failure)]);
        await _store.EnsureFolderAsync("alice@example.com", MailboxPath.Inbox, Ct);
        await _store.EnsureFolderAsync("carol@example.com", MailboxPath.Inbox, Ct);

        var result = (await _store.DeliverBatchAsync([new MessageToDeliver("postmaster@example.com", envelope, Message("x"))], Ct)).Single();

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure],
            result.Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("5.1.3", result.Recipients[2].Outcome.EnhancedStatusCode);
        Assert.Contains("Delivered-To: <carol@example.com>",
            await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(Inbox("carol@example.com"), "new")).Single(), Ct));
    }

    [Fact]
    public async Task Mail_files_are_0600_and_mail_folders_0700_under_the_umask_of_the_process()
    {
        if (OperatingSystem.IsWindows()) return;
        static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode folder = file | UnixFileMode.UserExecute;

        await _store.DeliverBatchAsync([MessageToDeliver.ForAccount(Account, null, Message("private"))], Ct);
        await _store.EnsureFolderAsync(Account, MailboxPath.Parse("Archive/2026"), Ct);

        Assert.Equal(file, ModeOf(Directory.GetFiles(Path.Combine(Inbox(), "new")).Single()));
        var folders = new[] { Path.Combine(_root.Path, "example.com"), Path.Combine(_root.Path, "example.com", "alice"), Inbox() }
            .Concat(Directory.GetDirectories(Inbox(), "*", SearchOption.AllDirectories)).ToList();
        Assert.True(folders.Count > 8, string.Join(", ", folders));
        Assert.All(folders, d => Assert.True(ModeOf(d) == folder, $"{d}: {ModeOf(d)}"));
        Assert.All(Directory.GetFiles(Inbox(), "maildirfolder", SearchOption.AllDirectories), f => Assert.Equal(file, ModeOf(f)));
    }

    [Fact]
    public async Task A_mailbox_is_made_for_the_account_the_message_was_retrieved_for_but_not_for_others_it_names()
    {
        await _store.EnsureFolderAsync("carol@example.com", MailboxPath.Inbox, Ct);
        var envelope = new MessageEnvelope("ceo@b.com",
            [new("postmaster@example.com", DsnNotify.Never), new("ceo@b.com", DsnNotify.Failure), new("carol@example.com", DsnNotify.Failure)]);

        var result = (await _store.DeliverBatchAsync([new MessageToDeliver("postmaster@example.com", envelope, Message("x"))], Ct)).Single();

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.Delivered],
            result.Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("5.1.1", result.Recipients[1].Outcome.EnhancedStatusCode);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "b.com")));
        Assert.Single(Directory.GetFiles(Path.Combine(Inbox("postmaster@example.com"), "new")));
    }

    [Fact]
    public async Task Verify_recipient_accepts_existing_Maildirs_or_only_the_known_accounts()
    {
        Assert.False(await _store.AcceptsRecipientAsync("anyone@example.com", Ct));
        await _store.DeliverBatchAsync([MessageToDeliver.ForAccount("anyone@example.com", null, "Subject: x\r\n\r\nx\r\n"u8.ToArray())], Ct);
        Assert.True(await _store.AcceptsRecipientAsync("Anyone@example.com", Ct));
        Assert.False(await _store.AcceptsRecipientAsync("no-at-sign", Ct));
        var listed = new MaildirStore(_root.Path, ["Alice@Example.com"]);
        Assert.True(await listed.AcceptsRecipientAsync("alice@example.com", Ct));
        Assert.False(await listed.AcceptsRecipientAsync("bob@example.com", Ct));
    }

    [Fact]
    public async Task One_syncfs_per_batch_before_any_rename_then_the_directory_once_after_all_renames()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        var (newDir, tmpDir) = (Path.Combine(Inbox(), "new"), Path.Combine(Inbox(), "tmp"));
        var atSync = (New: -1, Tmp: -1);
        var filesAtBarrier = -1;
        _flush.OnSyncFs = _ => atSync = (Directory.GetFiles(newDir).Length, Directory.GetFiles(tmpDir).Length);
        _flush.OnDirectoryFlush = d => { if (d == newDir) filesAtBarrier = Directory.GetFiles(newDir).Length; };
        _flush.Events.Clear();
        var batch = Enumerable.Range(0, 5).Select(i => MessageToDeliver.ForAccount(Account, null, Message($"m{i}"))).ToArray();

        var results = await _store.DeliverBatchAsync(batch, Ct);

        Assert.All(results, r => Assert.True(r.Recipients[0].Outcome.IsDelivered));
        // The descriptor is opened before the first write (so syncfs reports the batch's write-back errors), the data
        // is flushed while every file is still in tmp/, and the directory entries once all are renamed.
        Assert.Equal(["open-fs " + Inbox(), "syncfs " + Inbox(), "dir " + newDir], _flush.Events);
        Assert.Equal((0, 5), atSync);
        Assert.Equal(5, filesAtBarrier);
    }

    [Fact]
    public async Task Without_syncfs_each_file_is_fsynced_before_the_renames_and_the_directory_once_after()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        _flush.WithoutSyncFs = true;
        await AssertFileByFileBarrierAsync();
    }

    [Fact]
    public async Task When_the_kernel_refuses_syncfs_each_file_is_fsynced_instead()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        _flush.SyncFsRefused = true;
        await AssertFileByFileBarrierAsync();
    }

    private async Task AssertFileByFileBarrierAsync()
    {
        var newDir = Path.Combine(Inbox(), "new");
        var filesAtBarrier = -1;
        _flush.OnDirectoryFlush = d => { if (d == newDir) filesAtBarrier = Directory.GetFiles(newDir).Length; };
        _flush.Events.Clear();
        var batch = Enumerable.Range(0, 5).Select(i => MessageToDeliver.ForAccount(Account, null, Message($"m{i}"))).ToArray();

        await _store.DeliverBatchAsync(batch, Ct);

        var events = _flush.Events.ToArray();
        Assert.Equal(5, events.Count(e => e.StartsWith("file " + Path.Combine(Inbox(), "tmp"), StringComparison.Ordinal)));
        Assert.Equal(["dir " + newDir], events.Where(e => e.StartsWith("dir ", StringComparison.Ordinal)));
        Assert.StartsWith("dir ", events[^1]);
        Assert.Equal(5, filesAtBarrier);
        Assert.Equal(5, Directory.GetFiles(newDir).Length);
    }

    [Fact]
    public async Task A_write_back_error_reported_by_syncfs_fails_the_batch_and_leaves_nothing_visible()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        _flush.SyncFsFails = true;
        var folder = MailboxPath.FromSegments(["Mirror"]);
        await _store.EnsureFolderAsync(Account, folder, Ct);

        var results = await _store.DeliverBatchAsync(
            [MessageToDeliver.ForAccount(Account, null, Message("a")), MessageToDeliver.ForAccount(Account, null, Message("b"))], Ct);
        var stored = await _store.AppendBatchAsync(Account, folder, [new MessageToStore(Message("c"), MessageFlags.Seen)], Ct);

        // Not retried file by file: after a write-back error the page cache may hold pages marked clean that never
        // reached the disk, and an fsync would then succeed on lost data.
        Assert.DoesNotContain(_flush.Events, e => e.StartsWith("file ", StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.TemporaryFailure, r.Recipients[0].Outcome.Status));
        Assert.Contains("syncfs", results[0].Recipients[0].Outcome.Reason);
        Assert.Equal(DeliveryStatus.TemporaryFailure, Assert.Single(stored).Status);
        foreach (var dir in new[] { Inbox(), _store.FolderDirectory(Account, folder) })
            foreach (var sub in new[] { "new", "cur", "tmp" })
                Assert.Empty(Directory.GetFiles(Path.Combine(dir, sub)));
    }

    [Fact]
    public async Task A_failed_barrier_reports_the_batch_as_temporary_failure()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        _flush.FailDirectories = true;

        var results = await _store.DeliverBatchAsync(
            [MessageToDeliver.ForAccount(Account, null, Message("a")), MessageToDeliver.ForAccount(Account, null, Message("b"))], Ct);
        var stored = await _store.AppendBatchAsync(Account, MailboxPath.Inbox, [new MessageToStore(Message("c"), MessageFlags.Seen)], Ct);

        Assert.All(results, r => Assert.True(r.HasTemporaryFailure));
        Assert.Contains("barrier", results[0].Recipients[0].Outcome.Reason);
        Assert.Equal(DeliveryStatus.TemporaryFailure, Assert.Single(stored).Status);
    }

    [Fact]
    public async Task Stored_message_with_flags_goes_to_cur_with_maildir_info_and_internal_date_as_mtime()
    {
        var folder = MailboxPath.Parse("Remote/Work");
        await _store.EnsureFolderAsync(Account, folder, Ct);
        var date = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

        var outcomes = await _store.AppendBatchAsync(Account, folder,
        [
            new MessageToStore(Message("flagged"), MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Answered, date),
            new MessageToStore(Message("draft"), MessageFlags.Draft | MessageFlags.Deleted | MessageFlags.Recent),
            new MessageToStore(Message("plain")),
            new MessageToStore(Message("recent only"), MessageFlags.Recent),
        ], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        var dir = _store.FolderDirectory(Account, folder);
        var cur = Directory.GetFiles(Path.Combine(dir, "cur")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(2, cur.Length);
        Assert.Contains(cur, n => n!.EndsWith(":2,FRS", StringComparison.Ordinal));
        Assert.Contains(cur, n => n!.EndsWith(":2,DT", StringComparison.Ordinal));
        var flagged = Directory.GetFiles(Path.Combine(dir, "cur"), "*:2,FRS").Single();
        Assert.Equal(date.UtcDateTime, File.GetLastWriteTimeUtc(flagged));
        Assert.Equal("flagged", (await File.ReadAllTextAsync(flagged, Ct)).Split("\r\n")[1]["Subject: ".Length..]);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "new")).Length);
    }

    [Fact]
    public async Task The_mtime_is_the_internal_date_to_the_tick_also_before_1970_and_the_content_is_whole()
    {
        var folder = MailboxPath.Parse("Remote/Dates");
        await _store.EnsureFolderAsync(Account, folder, Ct);
        var recent = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var old = new DateTimeOffset(1969, 7, 20, 20, 17, 40, TimeSpan.Zero).AddTicks(5_000_001);
        var big = Message("big", new string('y', 300_000));

        var outcomes = await _store.AppendBatchAsync(Account, folder,
            [new MessageToStore(Message("recent"), MessageFlags.Seen, recent), new MessageToStore(big, MessageFlags.None, old)], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered));
        var files = Directory.GetFiles(Path.Combine(_store.FolderDirectory(Account, folder), "cur"));
        Assert.Equal(2, files.Length);
        var byDate = files.ToDictionary(File.GetLastWriteTimeUtc, File.ReadAllBytes);
        Assert.Equal(Message("recent"), byDate[recent.UtcDateTime]);
        Assert.Equal(big, byDate[old.UtcDateTime]);
    }

    [Fact]
    public async Task A_message_file_that_cannot_be_created_fails_that_message_temporarily_and_the_rest_are_stored()
    {
        var good = MailboxPath.Parse("Good");
        var bad = MailboxPath.Parse("Bad");
        await _store.EnsureFolderAsync(Account, good, Ct);
        await _store.EnsureFolderAsync(Account, bad, Ct);
        // Nothing can be created in /proc, not even by root: tmp/ of Bad refuses every file.
        var badTmp = Path.Combine(_store.FolderDirectory(Account, bad), "tmp");
        Directory.Delete(badTmp);
        Directory.CreateSymbolicLink(badTmp, "/proc");

        var refused = await _store.AppendBatchAsync(Account, bad, [new MessageToStore(Message("x"), MessageFlags.Seen)], Ct);
        var stored = await _store.AppendBatchAsync(Account, good, [new MessageToStore(Message("y"), MessageFlags.Seen)], Ct);

        var outcome = Assert.Single(refused);
        Assert.Equal(DeliveryStatus.TemporaryFailure, outcome.Status);
        Assert.StartsWith("4.3.0 cannot write to ", outcome.Reason);
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.FolderDirectory(Account, bad), "cur")));
        Assert.True(Assert.Single(stored).IsDelivered);
        Assert.Single(Directory.GetFiles(Path.Combine(_store.FolderDirectory(Account, good), "cur")));
    }

    [Fact]
    public async Task Append_to_a_missing_folder_fails_temporarily_and_creates_nothing()
    {
        var outcomes = await _store.AppendBatchAsync(Account, MailboxPath.Parse("Nowhere"), [new MessageToStore(Message("x"))], Ct);

        Assert.Equal(DeliveryStatus.TemporaryFailure, Assert.Single(outcomes).Status);
        Assert.False(Directory.Exists(_store.FolderDirectory(Account, MailboxPath.Parse("Nowhere"))));
    }

    [Fact]
    public async Task Ensure_folder_creates_missing_ancestors_as_maildir_plus_plus_subfolders_and_reports_existence()
    {
        var folder = MailboxPath.Parse("Remote/Work/2024");

        Assert.False(await _store.FolderExistsAsync(Account, folder, Ct));
        Assert.False(await _store.EnsureFolderAsync(Account, folder, Ct));
        Assert.True(await _store.EnsureFolderAsync(Account, folder, Ct));
        Assert.True(await _store.EnsureFolderAsync(Account, MailboxPath.Parse("Remote"), Ct));

        Assert.True(await _store.FolderExistsAsync(Account, folder, Ct));
        foreach (var name in new[] { ".Remote", ".Remote.Work", ".Remote.Work.2024" })
        {
            var dir = Path.Combine(Inbox(), name);
            Assert.True(Directory.Exists(Path.Combine(dir, "cur")) && Directory.Exists(Path.Combine(dir, "new")) && Directory.Exists(Path.Combine(dir, "tmp")));
            Assert.True(File.Exists(Path.Combine(dir, "maildirfolder")));
        }
        Assert.Equal(["INBOX", "Remote", "Remote/Work", "Remote/Work/2024"],
            (await _store.ListFoldersAsync(Account, Ct)).Select(f => f.ToString()));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Inbox(), "tmp")));
    }

    [Fact]
    public async Task Folder_names_holding_dots_slashes_and_non_ascii_are_encoded_reversibly()
    {
        var folders = new[]
        {
            MailboxPath.FromSegments(["v1.2", "a/b"]),
            MailboxPath.FromSegments(["Entwürfe"]),
            MailboxPath.FromSegments(["back\\slash & co", ".hidden", ".."]),
        };
        foreach (var f in folders) await _store.EnsureFolderAsync(Account, f, Ct);

        Assert.True(Directory.Exists(Path.Combine(Inbox(), @".v1\2e2.a\2fb")));
        Assert.True(Directory.Exists(Path.Combine(Inbox(), ".Entw&APw-rfe")));
        var listed = await _store.ListFoldersAsync(Account, Ct);
        foreach (var f in folders) Assert.Contains(f, listed);
        Assert.All(Directory.GetDirectories(Inbox()), d => Assert.StartsWith(Inbox(), d));
    }

    [Fact]
    public async Task Account_names_cannot_step_out_of_their_directory()
    {
        var account = "../../etc/x@example.com";

        await _store.DeliverBatchAsync([MessageToDeliver.ForAccount(account, null, Message("x"))], Ct);

        var dir = _store.AccountDirectory(account);
        Assert.Equal(Path.Combine(_root.Path, "example.com", @"\2e.\2f..\2fetc\2fx", "Maildir"), dir);
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "new")));
        Assert.Throws<ArgumentException>(() => _store.AccountDirectory("x@../../etc"));
    }

    [Fact]
    public async Task Concurrent_creation_of_one_folder_yields_one_creator()
    {
        var folder = MailboxPath.Parse("Race/Deep");
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);

        var existed = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _store.EnsureFolderAsync(Account, folder, Ct), Ct)));

        Assert.Equal(1, existed.Count(e => !e));
        Assert.True(await _store.FolderExistsAsync(Account, folder, Ct));
    }

    [Fact]
    public async Task A_concurrent_reader_never_sees_a_partial_message()
    {
        await _store.EnsureFolderAsync(Account, MailboxPath.Inbox, Ct);
        var body = new string('x', 512 * 1024);
        var content = Message("big", body + "\r\nEND");
        var expectedLength = content.Length + Encoding.ASCII.GetByteCount($"Return-Path: <>\r\nDelivered-To: <{Account}>\r\n");
        var newDir = Path.Combine(Inbox(), "new");
        using var stop = new CancellationTokenSource();
        var seen = 0;
        var partial = new List<string>();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            // Until told to stop, and at least until it has read a file (a loaded machine may run the deliveries
            // before this thread gets its first turn).
            while (!stop.IsCancellationRequested || (Volatile.Read(ref seen) == 0 && Directory.GetFiles(newDir).Length > 0))
            {
                reading.TrySetResult();
                foreach (var f in Directory.GetFiles(newDir))
                {
                    try
                    {
                        var length = File.ReadAllBytes(f).Length;
                        Interlocked.Increment(ref seen);
                        if (length != expectedLength) lock (partial) partial.Add($"{f}: {length}");
                    }
                    catch (FileNotFoundException) { }
                }
            }
        }, Ct);

        await reading.Task.WaitAsync(Ct);
        for (var i = 0; i < 10; i++)
            await _store.DeliverBatchAsync(Enumerable.Range(0, 5).Select(_ => MessageToDeliver.ForAccount(Account, null, content)).ToArray(), Ct);
        await stop.CancelAsync();
        await reader;

        Assert.Empty(partial);
        Assert.True(seen > 0);
        Assert.Equal(50, Directory.GetFiles(newDir).Length);
    }
}
