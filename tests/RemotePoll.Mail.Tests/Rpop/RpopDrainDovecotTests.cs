using System.Diagnostics;
using System.Net;
using System.Text;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// The RPOP drain against a real Dovecot on loopback, by the rule that loses nothing: deliver, commit the UIDs,
/// only then DELE; a lost connection neither loses nor duplicates a message. The ledger lives in a
/// <see cref="LedgerJournal"/> standing in for the journal; local delivery is a Maildir tree (the embedded
/// queue), Dovecot's LMTP or Dovecot's IMAP.
/// </summary>
[Integration]
public sealed class RpopDrainDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>, IDisposable
{
    private const string Account = "alice@example.com";
    private const string DeletedReply = "+OK Marked to be deleted.";

    private readonly TempDirectory _maildirs = new();

    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    private sealed record Remote(string User, string Password);

    private async Task<Remote> NewRemoteAsync(IEnumerable<RemoteMessage> messages)
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, messages.Select(m => m.Raw), cancellationToken: Ct);
        return new Remote(user, password);
    }

    private static List<RemoteMessage> Messages(string prefix, int count, int size = 0) =>
        Enumerable.Range(1, count).Select(i => RemoteMessage.Create($"{prefix}{i}",
            (i % 3) switch { 0 => $"<bounce{i}@lists.remote.example>", 1 when i % 2 == 0 => "<>", _ => null }, size)).ToList();

    private MaildirStore NewStore() => new(Path.Combine(_maildirs.Path, Guid.NewGuid().ToString("N")[..8]));

    private async Task<RpopDrainResult> DrainAsync(Remote remote, LedgerJournal journal, IMessageDestination destination,
        bool leave = false, int? port = null, IProtocolLog? log = null, int batchSize = RpopDrain.DefaultBatchSize,
        long maxMessageSize = 64L * 1024 * 1024, TimeSpan? commandTimeout = null, long? sessionMaxMessageSize = null)
    {
        var options = new Pop3SessionOptions
        {
            MaxMessageSize = sessionMaxMessageSize ?? maxMessageSize,
            Host = new HostAndPort(Server.Host, port ?? Server.Pop3Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(20),
        };
        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials(remote.User, remote.Password), log, Ct);
        return await RpopDrain.RunAsync(session, journal.Ledger, destination, leave, maxMessageSize, journal.CommitAsync, Ct, batchSize);
    }

    private RpopPollRequest Request(Remote remote, UidLedger ledger, bool leave = false, string? mailbox = null,
        long maxMessageSize = 64L * 1024 * 1024, string account = Account) => new()
    {
        Account = account,
        Record = new RpopRecord("home", PollPeriod.Default, remote.User, new HostAndPort(Server.Host, Server.Pop3Port),
            new SealedSecret("unused"), Leave: leave, Mailbox: mailbox),
        Password = remote.Password,
        Ledger = ledger,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(20),
        MaxMessageSize = maxMessageSize,
    };

    /// <summary>The server's UIDs by 0-based index, read in a session that ends without QUIT (so it changes nothing).</summary>
    private async Task<IReadOnlyList<string>> ServerUidsAsync(Remote remote)
    {
        await using var session = await Pop3Session.OpenAsync(new Pop3SessionOptions { Host = new HostAndPort(Server.Host, Server.Pop3Port) },
            new Pop3Credentials(remote.User, remote.Password), cancellationToken: Ct);
        return await session.ListUidsAsync(Ct);
    }

    private static List<byte[]> Stored(string directory) =>
        new[] { "new", "cur" }.Select(s => Path.Combine(directory, s)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).Select(File.ReadAllBytes).ToList();

    private static List<string> StoredIds(string directory) => Stored(directory).Select(RemoteMessage.IdOf).Order(StringComparer.Ordinal).ToList();

    private static List<string> Ids(IEnumerable<RemoteMessage> messages) => messages.Select(m => m.Id).Order(StringComparer.Ordinal).ToList();

    private static void Print(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task Delete_mode_delivers_each_message_once_with_its_Return_Path_as_sender_then_empties_mailbox_and_ledger()
    {
        var messages = Messages("d", 30);
        var remote = await NewRemoteAsync(messages);
        var store = NewStore();
        var journal = new LedgerJournal();

        var result = await DrainAsync(remote, journal, new QueueDestination(store, Account), batchSize: 8);

        Assert.Equal(30, result.Delivered);
        Assert.Null(result.ProblemKind);
        Assert.Equal(0, result.LeftOnServer);
        Assert.Equal(messages.Sum(m => (long)m.Raw.Length), result.Bytes);
        var stored = Stored(store.AccountDirectory(Account)).Select(Encoding.ASCII.GetString).Order(StringComparer.Ordinal);
        Assert.Equal(messages.Select(m => m.QueuedAs(Account)).Order(StringComparer.Ordinal), stored);
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(30, journal.DeliveredCommitted);
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task No_DELE_is_sent_for_a_message_before_its_delivery_is_acknowledged_and_its_UID_committed()
    {
        var messages = Messages("o", 25);
        var remote = await NewRemoteAsync(messages);
        var uids = await ServerUidsAsync(remote);
        var timeline = new WireTimeline();
        var journal = new LedgerJournal { Committed = c => timeline.Note("commit " + string.Join(' ', c.Delivered)) };
        var destination = new SelectiveDestination(new QueueDestination(NewStore(), Account), _ => null)
        {
            Decided = (m, o) => timeline.Note($"{o.Status} {RemoteMessage.IdOf(m)}"),
        };

        await DrainAsync(remote, journal, destination, log: timeline, batchSize: 10);

        var events = timeline.Events.ToList();
        var deletes = events.Select((e, at) => (e, at)).Where(x => x.e.StartsWith("C: DELE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(25, deletes.Count);
        foreach (var (line, at) in deletes)
        {
            var index = int.Parse(line["C: DELE ".Length..]) - 1;
            var committed = events.FindIndex(e => e.StartsWith("commit ", StringComparison.Ordinal) && e.Split(' ').Contains(uids[index]));
            var acknowledged = events.IndexOf($"Delivered {messages[index].Id}");
            Assert.True(acknowledged >= 0 && committed > acknowledged && committed < at,
                $"DELE {index + 1} at {at}, its commit at {committed}, its delivery at {acknowledged}:\n{string.Join('\n', events)}");
        }
        // Batches really interleave: the first DELE goes out before the last message is even retrieved.
        Assert.True(deletes[0].at < events.FindLastIndex(e => e.StartsWith("C: RETR ", StringComparison.Ordinal)));
        Assert.Equal(3, journal.BatchCommits.Count);
    }

    [Fact]
    public async Task Leave_keeps_messages_delivers_each_once_across_polls_and_prunes_UIDs_gone_from_the_server()
    {
        var first = Messages("l", 10);
        var remote = await NewRemoteAsync(first);
        var store = NewStore();
        var journal = new LedgerJournal();
        var destination = new QueueDestination(store, Account);

        var r1 = await DrainAsync(remote, journal, destination, leave: true, batchSize: 4);
        var later = Messages("n", 5);
        await Server.InjectManyAsync(remote.User, later.Select(m => m.Raw), cancellationToken: Ct);
        var log2 = new WireTimeline();
        var r2 = await DrainAsync(remote, journal, destination, leave: true, log: log2, batchSize: 4);
        // Someone deletes three old messages on the server and new mail comes in.
        await Server.DoveadmAsync(Ct, "expunge", "-u", remote.User, "mailbox", "INBOX", "uid", "1:3");
        var last = Messages("z", 2);
        await Server.InjectManyAsync(remote.User, last.Select(m => m.Raw), cancellationToken: Ct);
        var log3 = new WireTimeline();
        var r3 = await DrainAsync(remote, journal, destination, leave: true, log: log3, batchSize: 4);

        Assert.Equal((10, 5, 2), (r1.Delivered, r2.Delivered, r3.Delivered));
        Assert.Equal(5, log2.CountCommands("RETR"));
        Assert.Equal(2, log3.CountCommands("RETR"));
        Assert.Equal(0, log2.CountCommands("DELE") + log3.CountCommands("DELE"));
        Assert.Equal(Ids([.. first, .. later, .. last]), StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(14, await Server.CountAsync(remote.User, cancellationToken: Ct));
        var onServer = await ServerUidsAsync(remote);
        Assert.Equal(onServer.Order(StringComparer.Ordinal), journal.Ledger.Delivered.Order(StringComparer.Ordinal));
        Assert.Contains(journal.Commits, c => c.Removed.Count == 3);
    }

    [Fact]
    public async Task The_ledger_is_pruned_when_every_message_is_gone_from_the_server()
    {
        var remote = await NewRemoteAsync(Messages("g", 4));
        var journal = new LedgerJournal();
        var destination = new QueueDestination(NewStore(), Account);
        await DrainAsync(remote, journal, destination, leave: true);
        Assert.Equal(4, journal.Ledger.Delivered.Count);

        await Server.ClearAsync(remote.User, cancellationToken: Ct);
        var result = await DrainAsync(remote, journal, destination, leave: true);

        Assert.Equal(0, result.Delivered);
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_drain_of_2000_messages_of_8_KB_commits_once_per_batch_of_200()
    {
        var messages = Enumerable.Range(1, 2000).Select(i => RemoteMessage.Create($"b{i}", i % 2 == 0 ? $"<s{i}@remote.example>" : null, 8192)).ToList();
        var remote = await NewRemoteAsync(messages);
        var store = NewStore();
        var journal = new LedgerJournal();

        var watch = Stopwatch.StartNew();
        var result = await DrainAsync(remote, journal, new QueueDestination(store, Account), batchSize: 200, commandTimeout: TimeSpan.FromSeconds(60));
        watch.Stop();

        Print($"2000 x 8 KB drained into a Maildir with fsync in {watch.Elapsed.TotalSeconds:F2} s " +
              $"({2000 / watch.Elapsed.TotalSeconds:F0} messages/s, {result.Bytes / 1048576.0 / watch.Elapsed.TotalSeconds:F1} MiB/s)");
        Assert.Equal(2000, result.Delivered);
        Assert.Equal(Enumerable.Repeat(200, 10), journal.BatchCommits.Select(c => c.Delivered.Count));
        Assert.Equal(11, journal.Commits.Count); // ten batches and the prune after QUIT
        Assert.Equal(2000, Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new")).Length);
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_connection_lost_mid_drain_loses_nothing_and_the_next_poll_only_deletes_what_was_delivered()
    {
        var messages = Messages("x", 30, size: 2000);
        var remote = await NewRemoteAsync(messages);
        var store = NewStore();
        var journal = new LedgerJournal();
        var destination = new QueueDestination(store, Account);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        var log1 = new WireTimeline();

        // About half the mail: the first batch of ten is delivered and committed; the second, retrieved meanwhile, is cut
        // short, so the first batch's DELEs (which wait for the session) never go out; nothing is deleted without QUIT anyway.
        proxy.DropAfterServerBytes(messages.Sum(m => m.Raw.Length) / 2);
        var error = await Assert.ThrowsAsync<RemotePollException>(() => DrainAsync(remote, journal, destination, port: proxy.Port, log: log1, batchSize: 10));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        var before = journal.DeliveredCommitted;
        Assert.InRange(before, 10, 29);
        Assert.Equal(0, log1.CountCommands("DELE"));
        Assert.Equal(30, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(before, Stored(store.AccountDirectory(Account)).Count);

        var log2 = new WireTimeline();
        var result = await DrainAsync(remote, journal, destination, log: log2, batchSize: 10);

        Assert.Equal(30 - before, result.Delivered);
        Assert.Equal(30 - before, log2.CountCommands("RETR"));
        Assert.Equal(30, log2.CountCommands("DELE"));
        Assert.Equal(Ids(messages), StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_lost_after_the_last_DELE_or_during_QUIT_delivers_nothing_twice(bool quitReachesServer)
    {
        var messages = Messages("q", 10);
        var remote = await NewRemoteAsync(messages);
        var store = NewStore();
        var journal = new LedgerJournal();
        var destination = new QueueDestination(store, Account);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        var log1 = new WireTimeline();
        // On the answer to the last DELE, before QUIT goes out: either cut the connection (QUIT never arrives,
        // the server keeps everything) or swallow whatever the server says next (QUIT is obeyed, its +OK lost).
        log1.OnReceived = WireTimeline.Counting(DeletedReply, n =>
        {
            if (n != messages.Count) return;
            if (quitReachesServer) proxy.StallAfterServerBytes(0);
            else proxy.DropAll();
        });

        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            DrainAsync(remote, journal, destination, port: proxy.Port, log: log1, commandTimeout: TimeSpan.FromSeconds(2)));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.Equal(10, journal.DeliveredCommitted);
        Assert.Equal(quitReachesServer ? 0 : 10, await Server.CountAsync(remote.User, cancellationToken: Ct));

        var log2 = new WireTimeline();
        var result = await DrainAsync(remote, journal, destination, log: log2);

        Assert.Equal(0, result.Delivered);
        Assert.Equal(0, log2.CountCommands("RETR"));
        Assert.Equal(quitReachesServer ? 0 : 10, log2.CountCommands("DELE"));
        Assert.Equal(Ids(messages), StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_local_side_that_cannot_be_reached_gets_nothing_deleted_or_committed_and_the_next_poll_delivers_once()
    {
        var messages = Messages("t", 6);
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var nowhere = new IPEndPoint(IPAddress.Loopback, FreePorts.Take(1)[0]);
        await using var lmtp = new LmtpQueueDelivery(nowhere, new LmtpClientOptions { ConnectTimeout = TimeSpan.FromSeconds(2) });
        var store = NewStore();
        var log1 = new WireTimeline();

        var r1 = await RpopPoll.RunAsync(Request(remote, journal.Ledger), lmtp, store, journal.CommitAsync, log1, Ct);

        Assert.Equal(PollErrorKind.LocalDeliveryFailed, r1.ProblemKind);
        Assert.Contains("4.4.1", r1.Problem);
        Assert.Equal((0, 6), (r1.Delivered, r1.LeftOnServer));
        Assert.Empty(journal.BatchCommits);
        Assert.Equal(0, log1.CountCommands("DELE"));
        Assert.Equal(6, await Server.CountAsync(remote.User, cancellationToken: Ct));

        var r2 = await RpopPoll.RunAsync(Request(remote, journal.Ledger), store, store, journal.CommitAsync, null, Ct);

        Assert.Null(r2.ProblemKind);
        Assert.Equal(6, r2.Delivered);
        Assert.Equal(Ids(messages), StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_temporary_failure_of_one_message_keeps_it_for_the_next_poll_while_the_rest_is_delivered()
    {
        var messages = Messages("p", 10);
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var store = NewStore();
        var queue = new QueueDestination(store, Account);
        var busy = new SelectiveDestination(queue, m => RemoteMessage.IdOf(m) == "p4" ? DeliveryOutcome.Temporary("452 4.2.2 over quota") : null);

        var r1 = await DrainAsync(remote, journal, busy, batchSize: 5);

        Assert.Equal(PollErrorKind.LocalDeliveryFailed, r1.ProblemKind);
        Assert.Contains("4.2.2", r1.Problem);
        Assert.Equal(4, r1.Delivered); // the first batch less p4; the second batch waits for the next poll
        Assert.Equal(6, r1.LeftOnServer);
        Assert.Empty(journal.Ledger.Rejected);
        Assert.Equal(6, await Server.CountAsync(remote.User, cancellationToken: Ct));

        var r2 = await DrainAsync(remote, journal, queue, batchSize: 5);

        Assert.Equal(6, r2.Delivered);
        Assert.Null(r2.ProblemKind);
        Assert.Equal(Ids(messages), StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task Mail_for_an_unknown_local_user_refused_with_5_1_1_is_recorded_as_rejected_and_never_fetched_again()
    {
        var messages = Messages("r", 3);
        var remote = await NewRemoteAsync(messages);
        var uids = await ServerUidsAsync(remote);
        var journal = new LedgerJournal();
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var request = Request(remote, journal.Ledger, account: "nosuchuser@example.com");

        var r1 = await RpopPoll.RunAsync(request, lmtp, NewStore(), journal.CommitAsync, null, Ct);

        Assert.Equal(PollErrorKind.LocalDeliveryFailed, r1.ProblemKind);
        Assert.Contains("5.1.1", r1.Problem);
        Assert.Equal(uids.Order(StringComparer.Ordinal), journal.Ledger.Rejected.Order(StringComparer.Ordinal));
        Assert.Empty(journal.Ledger.Delivered);
        Assert.Equal(3, await Server.CountAsync(remote.User, cancellationToken: Ct));

        var log2 = new WireTimeline();
        var r2 = await RpopPoll.RunAsync(request with { Ledger = journal.Ledger }, lmtp, NewStore(), journal.CommitAsync, log2, Ct);

        Assert.Equal(0, r2.Delivered);
        Assert.Equal(0, log2.CountCommands("RETR") + log2.CountCommands("DELE"));
        Assert.Equal(3, journal.Ledger.Rejected.Count);
        Assert.Equal(3, await Server.CountAsync(remote.User, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_message_refused_for_good_stays_on_the_server_while_the_rest_of_its_batch_is_delivered_and_deleted()
    {
        var messages = Messages("f", 10);
        var remote = await NewRemoteAsync(messages);
        var uids = await ServerUidsAsync(remote);
        var journal = new LedgerJournal();
        var store = NewStore();
        var picky = new SelectiveDestination(new QueueDestination(store, Account),
            m => RemoteMessage.IdOf(m) == "f3" ? DeliveryOutcome.Permanent("550 5.7.1 rejected by content filter") : null);

        var r1 = await DrainAsync(remote, journal, picky);

        Assert.Equal(9, r1.Delivered);
        Assert.Equal(1, r1.LeftOnServer);
        Assert.Equal(PollErrorKind.LocalDeliveryFailed, r1.ProblemKind);
        Assert.Contains("5.7.1", r1.Problem);
        Assert.Equal([uids[2]], journal.Ledger.Rejected.ToArray());
        Assert.Empty(journal.Ledger.Delivered);
        Assert.Equal(["f3"], (await Server.ListAsync(remote.User, cancellationToken: Ct)).Select(m => m.Subject));

        var log2 = new WireTimeline();
        var r2 = await DrainAsync(remote, journal, picky, log: log2);

        Assert.Equal(0, r2.Delivered);
        Assert.Equal(0, log2.CountCommands("RETR") + log2.CountCommands("DELE"));
        Assert.Equal([uids[2]], journal.Ledger.Rejected.ToArray());
        Assert.Equal(Ids(messages.Where(m => m.Id != "f3")), StoredIds(store.AccountDirectory(Account)));
    }

    [Fact]
    public async Task The_Mailbox_destination_stores_in_a_Maildir_folder_created_when_missing_without_touching_the_message()
    {
        var messages = Messages("m", 7);
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var store = NewStore();
        var folder = MailboxPath.Parse("Remote/Home");
        Assert.False(await store.FolderExistsAsync(Account, folder, Ct));

        var result = await RpopPoll.RunAsync(Request(remote, journal.Ledger, mailbox: "Remote/Home"), store, store, journal.CommitAsync, null, Ct);

        Assert.Equal(7, result.Delivered);
        var stored = Stored(store.FolderDirectory(Account, folder)).Select(Encoding.ASCII.GetString).Order(StringComparer.Ordinal);
        Assert.Equal(messages.Select(m => Encoding.ASCII.GetString(m.Raw)).Order(StringComparer.Ordinal), stored);
        Assert.Empty(Stored(store.AccountDirectory(Account)));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
    }

    [Fact]
    public async Task The_Mailbox_destination_appends_to_an_IMAP_folder_as_the_master_user()
    {
        var messages = Messages("i", 5);
        var remote = await NewRemoteAsync(messages);
        var local = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(local, "pw", Ct);
        var imap = new ImapMailboxStore(Server.Host, Server.ImapPort, new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });
        var journal = new LedgerJournal();
        var request = Request(remote, journal.Ledger, mailbox: "Remote/Home", account: $"{local}@example.com");

        var result = await RpopPoll.RunAsync(request, NewStore(), imap, journal.CommitAsync, null, Ct);

        Assert.Equal(5, result.Delivered);
        var stored = await Server.ListAsync(local, "Remote.Home", Ct);
        Assert.Equal(messages.Select(m => m.Id), stored.Select(m => m.Subject));
        Assert.Equal(0, await Server.CountAsync(local, cancellationToken: Ct));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_stays_on_the_server_unretrieved_and_the_rest_is_delivered()
    {
        var messages = new[] { RemoteMessage.Create("s1"), RemoteMessage.Create("s2", size: 6000), RemoteMessage.Create("s3") };
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var store = NewStore();
        var log = new WireTimeline();

        var result = await RpopPoll.RunAsync(Request(remote, journal.Ledger, maxMessageSize: 2000), store, store, journal.CommitAsync, log, Ct);

        Assert.Equal(PollErrorKind.MessageTooLarge, result.ProblemKind);
        Assert.Contains("2000", result.Problem);
        Assert.Equal((2, 1), (result.Delivered, result.LeftOnServer));
        Assert.DoesNotContain("RETR 2", log.Commands);
        Assert.Equal(["s1", "s3"], StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(["s2"], (await Server.ListAsync(remote.User, cancellationToken: Ct)).Select(m => m.Subject));
        Assert.Empty(journal.Ledger.Delivered);
    }

    [Fact]
    public async Task A_message_the_session_refuses_as_too_large_is_left_on_the_server_and_the_rest_of_its_batch_is_delivered()
    {
        var messages = new[] { RemoteMessage.Create("v1"), RemoteMessage.Create("v2", size: 6000), RemoteMessage.Create("v3") };
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var store = NewStore();

        // The drain's own limit lets it through; the session's does not.
        var result = await DrainAsync(remote, journal, new QueueDestination(store, Account), sessionMaxMessageSize: 2000);

        Assert.Equal(PollErrorKind.MessageTooLarge, result.ProblemKind);
        Assert.Equal((2, 1), (result.Delivered, result.LeftOnServer));
        Assert.Equal(["v1", "v3"], StoredIds(store.AccountDirectory(Account)));
        Assert.Equal(["v2"], (await Server.ListAsync(remote.User, cancellationToken: Ct)).Select(m => m.Subject));
    }

    [Fact]
    public async Task A_mailbox_store_that_cannot_be_reached_fails_the_poll_locally_and_deletes_and_commits_nothing()
    {
        var messages = Messages("w", 4);
        var remote = await NewRemoteAsync(messages);
        var journal = new LedgerJournal();
        var nowhere = new ImapMailboxStore(Server.Host, FreePorts.Take(1)[0], new ImapStoreOptions
        {
            MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword, ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        var log = new WireTimeline();

        var result = await RpopPoll.RunAsync(Request(remote, journal.Ledger, mailbox: "Remote/Home"), NewStore(), nowhere, journal.CommitAsync, log, Ct);

        Assert.Equal(PollErrorKind.LocalDeliveryFailed, result.ProblemKind);
        Assert.Equal((0, 4), (result.Delivered, result.LeftOnServer));
        Assert.Empty(journal.Commits);
        Assert.Equal(0, log.CountCommands("DELE"));
        Assert.Equal("QUIT", log.Commands[^1]);
        Assert.Equal(4, await Server.CountAsync(remote.User, cancellationToken: Ct));
    }
}
