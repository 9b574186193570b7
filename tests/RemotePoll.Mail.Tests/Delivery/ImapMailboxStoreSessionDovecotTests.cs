using System.Text;
using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// The IMAP store keeps one logged-in session per account between calls, so the calls of one poll share a login;
/// a kept session that died is replaced without losing or doubling a message. A <see cref="TcpProxy"/> in front of the
/// test Dovecot counts the connections.
/// </summary>
[Integration]
public sealed class ImapMailboxStoreSessionDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImapMailboxStore Store(TcpProxy proxy) => new(proxy.Host, proxy.Port,
        new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });

    private async Task<(string User, string Account)> NewAccountAsync()
    {
        var user = "k" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw", Ct);
        return (user, $"{user}@example.com");
    }

    private static MessageToStore Message(string subject) => new(Encoding.ASCII.GetBytes(
        $"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\nBody of {subject}.\r\n"));

    private async Task<List<string>> SubjectsAsync(string user, string folder) =>
        (await Server.ListAsync(user, folder, Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_calls_of_one_poll_share_one_logged_in_session()
    {
        var (user, account) = await NewAccountAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.ImapPort);
        await using var store = Store(proxy);
        var folder = MailboxPath.Parse("Mirror/Work");

        Assert.False(await store.FolderExistsAsync(account, folder, Ct));
        Assert.False(await store.EnsureFolderAsync(account, folder, Ct));
        for (var batch = 0; batch < 3; batch++)
        {
            var outcomes = await store.AppendBatchAsync(account, folder, [Message($"s{batch}a"), Message($"s{batch}b")], Ct);
            Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        }
        Assert.Empty(await store.FindStampedAsync(account, folder, ["no-such-id"], Ct) ?? throw new InvalidOperationException("cannot tell"));
        Assert.Equal(new FolderMessages(0, 6), await store.CountMirrorCopiesAsync(account, folder, Ct));

        Assert.Equal(1, proxy.TotalConnections);
        Assert.Equal(1, store.IdleSessions);
        Assert.Equal(["s0a", "s0b", "s1a", "s1b", "s2a", "s2b"], await SubjectsAsync(user, "Mirror.Work"));

        await store.DisposeAsync();
        Assert.Equal(0, store.IdleSessions);
        Assert.True(await EventuallyAsync(() => proxy.ActiveConnections == 0), "the kept session is closed when the store is");
    }

    [Fact]
    public async Task A_kept_session_that_died_while_idle_is_replaced_and_the_batch_is_stored_once()
    {
        var (user, account) = await NewAccountAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.ImapPort);
        await using var store = Store(proxy);
        Assert.All(await store.AppendBatchAsync(account, MailboxPath.Inbox, [Message("before")], Ct), o => Assert.True(o.IsDelivered));

        proxy.DropAll();
        Assert.True(await EventuallyAsync(() => proxy.ActiveConnections == 0));
        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, [Message("after1"), Message("after2")], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        Assert.Equal(2, proxy.TotalConnections);
        Assert.Equal(["after1", "after2", "before"], await SubjectsAsync(user, "INBOX"));
    }

    [Fact]
    public async Task Calls_at_the_same_time_never_share_a_session_and_each_account_keeps_its_own()
    {
        var (userA, accountA) = await NewAccountAsync();
        var (userB, accountB) = await NewAccountAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.ImapPort);
        await using var store = Store(proxy);

        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            store.AppendBatchAsync(accountA, MailboxPath.Inbox, [Message($"a{i}")], Ct)));
        await store.AppendBatchAsync(accountB, MailboxPath.Inbox, [Message("b0")], Ct);
        await store.AppendBatchAsync(accountA, MailboxPath.Inbox, [Message("a3")], Ct);

        Assert.All(together.SelectMany(o => o), o => Assert.True(o.IsDelivered, o.ToString()));
        // Each concurrent call had its own session (kept afterwards), B its own; A's later call reused one of A's.
        Assert.Equal(4, proxy.TotalConnections);
        Assert.Equal(4, store.IdleSessions);
        Assert.Equal(["a0", "a1", "a2", "a3"], await SubjectsAsync(userA, "INBOX"));
        Assert.Equal(["b0"], await SubjectsAsync(userB, "INBOX"));
    }

    [Fact]
    public async Task A_multipart_message_is_stored_byte_for_byte_from_a_slice_of_a_larger_buffer()
    {
        var (user, account) = await NewAccountAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.ImapPort);
        await using var store = Store(proxy);
        const string raw = "From: bob@remote.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
            + "  odd  spacing \t\r\n.dot line\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "AAECAwQF\r\n--b1--\r\nepilogue\r\n";
        // The store is handed a slice of a larger array (the delivery stamp and Return-Path paths hand such slices).
        var padded = Encoding.ASCII.GetBytes("xxxx" + raw + "yyyy");

        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, [new MessageToStore(padded.AsMemory(4, raw.Length))], Ct);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].ToString());
        var stored = Assert.Single(await Server.ListAsync(user, "INBOX", Ct));
        Assert.Equal(raw.Replace("\r\n", "\n"), stored.Text); // doveadm prints the stored text with LF line ends
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(10, Ct);
        }
        return true;
    }
}
