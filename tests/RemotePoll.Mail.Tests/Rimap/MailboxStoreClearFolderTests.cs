using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// <see cref="IMailboxStore.RemoveMirrorCopiesAsync"/>, which RIMAP uses to refill a folder, and
/// <see cref="IMailboxStore.CountMirrorCopiesAsync"/>: Maildir and local IMAP. Only the mirror's own copies (first header
/// field <see cref="MirrorStamp"/>'s) go; the user's mail and other records' deliveries stay.
/// </summary>
[Integration]
public sealed class MailboxStoreClearFolderTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MessageToStore Copy(string subject, uint uid, MessageFlags flags = MessageFlags.None) =>
        new(MirrorStamp.Stamp(Message(subject), 7, uid), flags);

    /// <summary>What the mirror must never remove: the user's own mail, an RPOP delivery, a message that merely holds the mark lower down.</summary>
    private static MessageToStore[] NotCopies() =>
    [
        new(Message("users-own")),
        new(DeliveryStamp.Stamp(Message("rpop-delivered"), DeliveryStamp.NewId())),
        new(System.Text.Encoding.ASCII.GetBytes(
            $"From: x@remote.example\r\nSubject: forged\r\n{MirrorStamp.HeaderName}: rimap; uidvalidity=7; uid=9\r\n\r\nforged mark\r\n"), MessageFlags.Deleted),
    ];

    [Fact]
    public async Task Maildir_refill_removes_only_the_mirror_copies_durably_and_keeps_the_folder_its_subfolders_and_other_mail()
    {
        using var dir = new TempDirectory();
        var flush = new RecordingDiskFlush();
        var store = new MaildirStore(dir.Path, null, flush);
        var work = Local("Remote/Work");
        var sub = Local("Remote/Work/Sub");
        await store.EnsureFolderAsync(Account, sub, Ct);
        await store.AppendBatchAsync(Account, work, [Copy("a", 1), Copy("b", 2, MessageFlags.Seen), Copy("c", 3, MessageFlags.Flagged)], Ct);
        await store.AppendBatchAsync(Account, work, NotCopies(), Ct);
        await store.AppendBatchAsync(Account, sub, [Copy("kept", 1)], Ct);
        flush.Events.Clear();

        Assert.Equal(new FolderMessages(3, 3), await store.CountMirrorCopiesAsync(Account, work, Ct));
        Assert.Equal(new FolderMessages(3, 3), await store.RemoveMirrorCopiesAsync(Account, work, Ct));

        Assert.True(await store.FolderExistsAsync(Account, work, Ct));
        Assert.Equal(["forged", "rpop-delivered", "users-own"], LocalSubjectsOf(store, work));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(store.FolderDirectory(Account, sub), "new")));
        Assert.Contains("dir " + Path.Combine(store.FolderDirectory(Account, work), "cur"), flush.Events);
        Assert.Contains("dir " + Path.Combine(store.FolderDirectory(Account, work), "new"), flush.Events);
        Assert.Equal(new FolderMessages(0, 3), await store.RemoveMirrorCopiesAsync(Account, work, Ct));
        Assert.Equal(FolderMessages.None, await store.RemoveMirrorCopiesAsync(Account, Local("Remote/Missing"), Ct));
        Assert.Equal(FolderMessages.None, await store.CountMirrorCopiesAsync(Account, Local("Remote/Missing"), Ct));
    }

    [Fact]
    public async Task IMAP_refill_expunges_only_the_mirror_copies_and_keeps_the_folder_its_subfolders_and_other_mail()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, NewPassword(), Ct);
        var account = $"{user}@local.example";
        var store = new ImapMailboxStore(Server.Host, Server.ImapPort,
            new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });
        var work = Local("Remote/Work");
        var sub = Local("Remote/Work/Sub");
        await store.EnsureFolderAsync(account, sub, Ct);
        await store.EnsureFolderAsync(account, work, Ct);
        await store.AppendBatchAsync(account, work, [Copy("a", 1), Copy("b", 2, MessageFlags.Seen), Copy("c", 3)], Ct);
        await store.AppendBatchAsync(account, work, NotCopies(), Ct);
        await store.AppendBatchAsync(account, sub, [Copy("kept", 1)], Ct);

        Assert.Equal(new FolderMessages(3, 3), await store.CountMirrorCopiesAsync(account, work, Ct));
        Assert.Equal(new FolderMessages(3, 3), await store.RemoveMirrorCopiesAsync(account, work, Ct));

        // The user's message marked \Deleted is not expunged with the copies (UID EXPUNGE of the copies only).
        Assert.Equal(["forged", "rpop-delivered", "users-own"],
            (await Server.ListAsync(user, "Remote.Work", Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(1, await Server.CountAsync(user, "Remote.Work.Sub", Ct));
        Assert.True(await store.FolderExistsAsync(account, work, Ct));
        Assert.Equal(FolderMessages.None, await store.RemoveMirrorCopiesAsync(account, Local("Remote/Missing"), Ct));
    }

    [Fact]
    public async Task A_store_without_its_own_clear_says_it_cannot()
    {
        IMailboxStore store = new StoreWithoutClear();

        await Assert.ThrowsAsync<NotSupportedException>(() => store.RemoveMirrorCopiesAsync(Account, Local("Remote/Work"), Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => store.CountMirrorCopiesAsync(Account, Local("Remote/Work"), Ct));
    }

    private static IReadOnlyList<string> LocalSubjectsOf(MaildirStore store, MailboxPath folder)
    {
        var dir = store.FolderDirectory(Account, folder);
        return new[] { "new", "cur" }.SelectMany(sub => Directory.EnumerateFiles(Path.Combine(dir, sub)))
            .Select(f => File.ReadAllText(f).Split("\r\n").First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))[9..])
            .Order(StringComparer.Ordinal).ToList();
    }

    private sealed class StoreWithoutClear : IMailboxStore
    {
        public Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken cancellationToken) => Task.FromResult(true);
        public Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken cancellationToken) => Task.FromResult(true);
        public Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<MailboxPath>>([]);
        public Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages,
            CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DeliveryOutcome>>([]);
    }

}
