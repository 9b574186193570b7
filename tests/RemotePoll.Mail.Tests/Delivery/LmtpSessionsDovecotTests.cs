using System.Net;
using System.Text;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Rpop;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// Issue 18.1: a batch's deliveries go over several LMTP sessions at once, never more than the bound per target, into
/// the real Dovecot (a proxy in front of its LMTP counts the connections and breaks them on purpose); outcomes stay
/// per message and per recipient, and a session lost mid-batch loses and duplicates nothing.
/// </summary>
[Integration]
public sealed class LmtpSessionsDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> NewUserAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw", Ct);
        return user;
    }

    private static MessageToDeliver Message(string account, string subject) =>
        MessageToDeliver.ForAccount(account, "bob@remote.example",
            Encoding.ASCII.GetBytes($"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\nBody of {subject}.\r\n"));

    private static IPEndPoint Through(TcpProxy proxy) => new(IPAddress.Parse(proxy.Host), proxy.Port);

    [Fact]
    public async Task One_batch_goes_over_several_sessions_and_arrives_exactly_once_each()
    {
        var user = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.LmtpPort);
        await using var delivery = new LmtpQueueDelivery(Through(proxy), maxSessions: 4);
        var batch = Enumerable.Range(1, 120).Select(i => Message($"{user}@example.com", $"p{i}")).ToArray();

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.Equal(batch, results.Select(r => r.Message));
        Assert.All(results, r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        var stored = (await Server.ListAsync(user, cancellationToken: Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal);
        Assert.Equal(batch.Select((_, i) => $"p{i + 1}").Order(StringComparer.Ordinal), stored);
        Assert.InRange(proxy.TotalConnections, 2, 4);
        Assert.InRange(proxy.PeakConnections, 2, 4);
    }

    [Fact]
    public async Task Concurrent_batches_share_the_bound_on_sessions_to_the_target()
    {
        var user = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.LmtpPort);
        // A slower server keeps every session busy long enough for the batches to overlap.
        proxy.ServerDelay = TimeSpan.FromMilliseconds(5);
        await using var delivery = new LmtpQueueDelivery(Through(proxy), maxSessions: 2);
        var batches = Enumerable.Range(0, 4)
            .Select(b => Enumerable.Range(1, 15).Select(i => Message($"{user}@example.com", $"b{b}m{i}")).ToArray()).ToArray();

        var results = await Task.WhenAll(batches.Select(b => delivery.DeliverBatchAsync(b, Ct)));

        Assert.All(results.SelectMany(r => r), r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        Assert.Equal(60, await Server.CountAsync(user, cancellationToken: Ct));
        Assert.Equal(2, proxy.PeakConnections);
        Assert.Equal(2, proxy.TotalConnections);
    }

    [Fact]
    public async Task Per_recipient_outcomes_are_kept_when_the_batch_is_spread_over_sessions()
    {
        var user = await NewUserAsync();
        var other = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.LmtpPort);
        await using var delivery = new LmtpQueueDelivery(Through(proxy), maxSessions: 3);
        var batch = Enumerable.Range(1, 30).Select(i => Message($"{user}@example.com", $"r{i}")).ToArray();
        // Message 17: one recipient Dovecot does not know (5.1.1), the others get it.
        batch[16] = new MessageToDeliver("postmaster@example.com", new MessageEnvelope("bob@remote.example",
            [new($"{user}@example.com"), new("nosuchuser@example.com"), new($"{other}@example.com")]), batch[16].Content);

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.Delivered],
            results[16].Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("5.1.1", results[16].Recipients[1].Outcome.EnhancedStatusCode);
        Assert.All(results.Where((_, i) => i != 16), r => Assert.True(r.AllDelivered));
        Assert.Equal(30, await Server.CountAsync(user, cancellationToken: Ct));
        Assert.Equal(["r17"], (await Server.ListAsync(other, cancellationToken: Ct)).Select(m => m.Subject));
        Assert.True(proxy.TotalConnections > 1, $"{proxy.TotalConnections} session(s)");
    }

    [Fact]
    public async Task A_4xx_and_a_5xx_from_a_scripted_server_stay_with_their_message_and_recipient_across_sessions()
    {
        await using var server = new FakeLmtpServer
        {
            RcptReply = a => a == "gone7@example.com" ? "550 5.1.1 <gone7@example.com> User unknown" : "250 2.1.5 OK",
            FinalReply = (a, _) => a == "full23@example.com" ? "452 4.2.2 Mailbox full" : "250 2.0.0 Saved",
        };
        await using var delivery = new LmtpQueueDelivery(server.EndPoint, maxSessions: 4);
        var batch = Enumerable.Range(1, 40).Select(i => new MessageToDeliver("postmaster@example.com",
            new MessageEnvelope("bob@remote.example", i switch
            {
                7 => [new("a7@example.com"), new("gone7@example.com")],
                23 => [new("full23@example.com"), new("a23@example.com")],
                _ => [new($"a{i}@example.com")],
            }), Encoding.ASCII.GetBytes($"Subject: s{i}\r\n\r\nHi.\r\n"))).ToArray();

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure], results[6].Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("550 5.1.1 <gone7@example.com> User unknown", results[6].Recipients[1].Outcome.Reason);
        Assert.Equal([DeliveryStatus.TemporaryFailure, DeliveryStatus.Delivered], results[22].Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("452 4.2.2 Mailbox full", results[22].Recipients[0].Outcome.Reason);
        Assert.All(results.Where((_, i) => i is not (6 or 22)), r => Assert.True(r.AllDelivered));
        Assert.Equal(40, server.Messages.Count);
        Assert.InRange(server.Connections, 2, 4);
    }

    [Fact]
    public async Task Sessions_dropped_mid_batch_lose_nothing_and_deliver_nothing_twice()
    {
        const int count = 40;
        var remoteUser = await NewUserAsync();
        var messages = Enumerable.Range(1, count).Select(i => RemoteMessage.Create($"d{i}")).ToList();
        await Server.InjectManyAsync(remoteUser, messages.Select(m => m.Raw), cancellationToken: Ct);
        var local = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Server.Host, Server.LmtpPort);
        await using var lmtp = new LmtpQueueDelivery(Through(proxy), new LmtpClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(10), DataTimeout = TimeSpan.FromSeconds(10),
        }, maxSessions: 4);
        var imap = new ImapMailboxStore(Server.Host, Server.ImapPort,
            new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });
        var journal = new LedgerJournal();
        RpopPollRequest Request() => new()
        {
            Account = $"{local}@example.com",
            Record = new RpopRecord("home", PollPeriod.Default, remoteUser, new HostAndPort(Server.Host, Server.Pop3Port), new SealedSecret("unused")),
            Password = "pw",
            Ledger = journal.Ledger,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(20),
            MarkInFlight = journal.MarkAsync,
            QueueLookup = imap,
        };
        // Greetings and LHLO replies of four sessions are about 1 KB; the drop comes among the deliveries' replies.
        proxy.DropAfterServerBytes(2500);

        var first = await RpopPoll.RunAsync(Request(), lmtp, imap, journal.CommitAsync, null, Ct);
        var afterFirst = proxy.TotalConnections;
        var arrivedFirst = await Server.CountAsync(local, cancellationToken: Ct);
        var second = await RpopPoll.RunAsync(Request(), lmtp, imap, journal.CommitAsync, null, Ct);

        // The drop hit the batch: a message was left in doubt, or (the drop fell between two messages) the sessions had
        // to be opened again to finish it (4 connections without the drop).
        Assert.True(first.Delivered < count || afterFirst > 4, $"the drop did not hit the batch: {first.Delivered} delivered over {afterFirst} connections");
        Assert.True(arrivedFirst > 0, "nothing arrived before the drop");
        Assert.Equal(count, first.Delivered + second.Delivered + second.Recovered);
        var inbox = await Server.ListAsync(local, cancellationToken: Ct);
        Assert.Equal(messages.Select(m => m.Id).Order(StringComparer.Ordinal), inbox.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(0, await Server.CountAsync(remoteUser, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }
}
