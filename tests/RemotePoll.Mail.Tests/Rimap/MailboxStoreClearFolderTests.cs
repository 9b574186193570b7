using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary><see cref="IMailboxStore.ClearFolderAsync"/>, which RIMAP uses to refill a folder: Maildir and local IMAP.</summary>
public sealed class MailboxStoreClearFolderTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MessageToStore Stored(string subject, MessageFlags flags = MessageFlags.None) => new(Message(subject), flags);

    [Fact]
    public async Task Maildir_clear_removes_every_message_durably_and_keeps_the_folder_and_its_subfolders()
    {
        using var dir = new TempDirectory();
        var flush = new RecordingDiskFlush();
        var store = new MaildirStore(dir.Path, null, flush);
        var work = Local("Remote/Work");
        var sub = Local("Remote/Work/Sub");
        await store.EnsureFolderAsync(Account, sub, Ct);
        await store.AppendBatchAsync(Account, work, [Stored("a"), Stored("b", MessageFlags.Seen), Stored("c", MessageFlags.Flagged)], Ct);
        await store.AppendBatchAsync(Account, sub, [Stored("kept")], Ct);
        flush.Events.Clear();

        Assert.Equal(3, await store.ClearFolderAsync(Account, work, Ct));

        Assert.True(await store.FolderExistsAsync(Account, work, Ct));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.FolderDirectory(Account, work), "cur")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.FolderDirectory(Account, work), "new")));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(store.FolderDirectory(Account, sub), "new")));
        Assert.Contains("dir " + Path.Combine(store.FolderDirectory(Account, work), "cur"), flush.Events);
        Assert.Contains("dir " + Path.Combine(store.FolderDirectory(Account, work), "new"), flush.Events);
        Assert.Equal(0, await store.ClearFolderAsync(Account, work, Ct));
        Assert.Equal(0, await store.ClearFolderAsync(Account, Local("Remote/Missing"), Ct));
    }

    [Fact]
    public async Task IMAP_clear_expunges_every_message_and_keeps_the_folder_and_its_subfolders()
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
        await store.AppendBatchAsync(account, work, [Stored("a"), Stored("b", MessageFlags.Seen), Stored("c")], Ct);
        await store.AppendBatchAsync(account, sub, [Stored("kept")], Ct);

        Assert.Equal(3, await store.ClearFolderAsync(account, work, Ct));

        Assert.Equal(0, await Server.CountAsync(user, "Remote.Work", Ct));
        Assert.Equal(1, await Server.CountAsync(user, "Remote.Work.Sub", Ct));
        Assert.True(await store.FolderExistsAsync(account, work, Ct));
        Assert.Equal(0, await store.ClearFolderAsync(account, Local("Remote/Missing"), Ct));
    }

    [Fact]
    public async Task A_store_without_its_own_clear_says_it_cannot()
    {
        IMailboxStore store = new StoreWithoutClear();

        await Assert.ThrowsAsync<NotSupportedException>(() => store.ClearFolderAsync(Account, Local("Remote/Work"), Ct));
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
