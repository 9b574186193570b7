using System.Net;
using System.Text;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// Exactly once across a crash, against a real Dovecot: a poll delivers a batch and dies before the journal records
/// it (its POP3 session ends without QUIT, so every message stays on the server); the next poll finds the batch's
/// deliveries still in flight, asks the local side for their stamped delivery ids, records what arrived without
/// delivering it again, and deletes it remotely. Targets: the embedded Maildir, and Dovecot LMTP checked through
/// Dovecot IMAP as the master user; LMTP with nothing to check through is at least once.
/// </summary>
[Integration]
public sealed class RpopCrashRecoveryDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>, IDisposable
{
    private const int Count = 12;
    private readonly TempDirectory _maildirs = new();

    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    private async Task<(string User, string Password, List<RemoteMessage> Messages)> NewRemoteAsync(string prefix)
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var messages = Enumerable.Range(1, Count).Select(i => RemoteMessage.Create($"{prefix}{i}")).ToList();
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, messages.Select(m => m.Raw), cancellationToken: Ct);
        return (user, password, messages);
    }

    private RpopPollRequest Request((string User, string Password, List<RemoteMessage> _) remote, LedgerJournal journal, string account,
        IMailboxStore? lookup, string? mailbox = null) => new()
    {
        Account = account,
        Record = new RpopRecord("home", PollPeriod.Default, remote.User, new HostAndPort(Server.Host, Server.Pop3Port),
            new SealedSecret("unused"), Mailbox: mailbox),
        Password = remote.Password,
        Ledger = journal.Ledger,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(20),
        MarkInFlight = journal.MarkAsync,
        QueueLookup = lookup,
    };

    /// <summary>The first poll delivers everything and dies before its commit; the second runs from what the journal kept.</summary>
    private async Task<RpopDrainResult> CrashThenPollAsync((string User, string Password, List<RemoteMessage> Messages) remote, LedgerJournal journal,
        string account, IQueueDelivery queue, IMailboxStore store, IMailboxStore? lookup, string? mailbox = null)
    {
        journal.DieBeforeNextCommit = true;
        await Assert.ThrowsAsync<NodeDiedException>(() =>
            RpopPoll.RunAsync(Request(remote, journal, account, lookup, mailbox), queue, store, journal.CommitAsync, null, Ct));
        Assert.Equal(Count, journal.Ledger.InFlight.Count);
        Assert.Empty(journal.Ledger.Delivered);
        Assert.Equal(Count, await Server.CountAsync(remote.User, cancellationToken: Ct));

        return await RpopPoll.RunAsync(Request(remote, journal, account, lookup, mailbox), queue, store, journal.CommitAsync, null, Ct);
    }

    private static List<string> Sorted(IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList();

    private static List<string> MaildirIds(string directory) =>
        Sorted(new[] { "new", "cur" }.Select(s => Path.Combine(directory, s)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).Select(f => RemoteMessage.IdOf(File.ReadAllBytes(f))));

    [Fact]
    public async Task Embedded_Maildir_queue_a_batch_delivered_before_the_node_died_is_recorded_not_delivered_again()
    {
        var remote = await NewRemoteAsync("q");
        var store = new MaildirStore(Path.Combine(_maildirs.Path, "q"));
        var journal = new LedgerJournal();
        const string account = "alice@example.com";

        var result = await CrashThenPollAsync(remote, journal, account, store, store, lookup: store);

        Assert.Equal(Count, result.Recovered);
        Assert.Equal(0, result.Delivered);
        Assert.Equal(0, result.Unverified);
        Assert.Null(result.Problem);
        Assert.Equal(Sorted(remote.Messages.Select(m => m.Id)), MaildirIds(store.AccountDirectory(account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task Embedded_Maildir_folder_only_the_messages_that_did_not_arrive_are_delivered_again()
    {
        var remote = await NewRemoteAsync("m");
        var store = new MaildirStore(Path.Combine(_maildirs.Path, "m"));
        var journal = new LedgerJournal();
        const string account = "bob@example.com";
        var folder = MailboxPath.Parse("Remote/Home");
        journal.DieBeforeNextCommit = true;
        await Assert.ThrowsAsync<NodeDiedException>(() =>
            RpopPoll.RunAsync(Request(remote, journal, account, null, "Remote/Home"), store, store, journal.CommitAsync, null, Ct));
        // Some of the batch did not make it: the crash came while the local side was still writing.
        var folderDir = store.FolderDirectory(account, folder);
        var lost = Directory.GetFiles(Path.Combine(folderDir, "new")).Take(5).ToList();
        foreach (var f in lost) File.Delete(f);

        var result = await RpopPoll.RunAsync(Request(remote, journal, account, null, "Remote/Home"), store, store, journal.CommitAsync, null, Ct);

        Assert.Equal(Count - 5, result.Recovered);
        Assert.Equal(5, result.Delivered);
        Assert.Equal(Sorted(remote.Messages.Select(m => m.Id)), MaildirIds(folderDir));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Empty(journal.Ledger.InFlight);
    }

    [Fact]
    public async Task Lmtp_delivery_checked_through_the_IMAP_store_arrives_exactly_once_with_its_delivery_stamp()
    {
        var remote = await NewRemoteAsync("l");
        var local = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(local, "pw", Ct);
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var imap = new ImapMailboxStore(Server.Host, Server.ImapPort,
            new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });
        var journal = new LedgerJournal();

        var result = await CrashThenPollAsync(remote, journal, $"{local}@example.com", lmtp, imap, lookup: imap);

        Assert.Equal(Count, result.Recovered);
        Assert.Equal(0, result.Delivered);
        var inbox = await Server.ListAsync(local, cancellationToken: Ct);
        Assert.Equal(Sorted(remote.Messages.Select(m => m.Id)), Sorted(inbox.Select(m => m.Subject)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task Lmtp_delivery_without_a_store_to_check_is_at_least_once_and_says_how_many_may_be_twice()
    {
        var remote = await NewRemoteAsync("n");
        var local = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(local, "pw", Ct);
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var journal = new LedgerJournal();

        var result = await CrashThenPollAsync(remote, journal, $"{local}@example.com", lmtp, new MaildirStore(_maildirs.Path), lookup: null);

        Assert.Equal(0, result.Recovered);
        Assert.Equal(Count, result.Unverified);
        Assert.Equal(Count, result.Delivered);
        Assert.Equal(2 * Count, await Server.CountAsync(local, cancellationToken: Ct));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
    }

    [Fact]
    public void The_stamp_is_the_first_header_field_in_the_message_line_ending_and_is_found_again()
    {
        var crlf = DeliveryStamp.Stamp(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nX-RemotePoll-Delivery: body\r\n"), "abc");
        var lf = DeliveryStamp.Stamp(Encoding.ASCII.GetBytes("Subject: a\n\nbody\n"), "def");

        Assert.StartsWith("X-RemotePoll-Delivery: abc\r\nSubject: a\r\n", Encoding.ASCII.GetString(crlf));
        Assert.StartsWith("X-RemotePoll-Delivery: def\nSubject: a\n", Encoding.ASCII.GetString(lf));
        Assert.Equal("abc", DeliveryStamp.Find(crlf));
        Assert.Equal("abc", DeliveryStamp.Find(Encoding.ASCII.GetBytes("Return-Path: <>\r\nx-remotepoll-delivery: abc\r\n\r\n")));
        Assert.Null(DeliveryStamp.Find(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nX-RemotePoll-Delivery: abc\r\n")));
    }
}
