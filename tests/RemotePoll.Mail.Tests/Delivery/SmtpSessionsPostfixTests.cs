using System.Net;
using System.Text;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Rpop;
using RemotePoll.Testing;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Postfix;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// Issue 18.2: SMTP delivery into a real Postfix that hands every message to the test Dovecot over LMTP. A batch goes
/// over several sessions (a proxy in front of smtpd counts them), pipelined, with BDAT where Postfix offers CHUNKING
/// and DATA where it does not; a 250 after the data counts for the recipients accepted at RCPT, a refusal at RCPT
/// stays with its recipient, and every message arrives in Dovecot exactly once (counted once Postfix's queue is empty).
/// </summary>
[Integration]
public sealed class SmtpSessionsPostfixTests(PostfixFixture fixture) : IClassFixture<PostfixFixture>
{
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(60);
    private DovecotServer Dovecot => fixture.Dovecot;
    private PostfixServer Postfix => fixture.Postfix;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> NewUserAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        await Dovecot.AddUserAsync(user, "pw", Ct);
        return user;
    }

    // Every fifth message has bare LF line ends, which BDAT must send as CRLF with the chunk size to match.
    private static MessageToDeliver Message(string account, string subject, int i = 0)
    {
        var text = $"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\nBody of {subject}.\r\n.a dotted line\r\n";
        if (i % 5 == 4) text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return MessageToDeliver.ForAccount(account, "bob@remote.example", Encoding.ASCII.GetBytes(text));
    }

    private static SmtpQueueDelivery Through(TcpProxy proxy, int maxSessions) =>
        new(proxy.Host, proxy.Port, new SmtpQueueOptions { CommandTimeout = TimeSpan.FromSeconds(20) }, maxSessions);

    private async Task<IReadOnlyList<DovecotMessage>> ArrivedAsync(PostfixServer postfix, string user)
    {
        await postfix.WaitForEmptyQueueAsync(QueueTimeout, Ct);
        return await Dovecot.ListAsync(user, cancellationToken: Ct);
    }

    [Theory]
    [InlineData("", "bdat=")]                         // PIPELINING and CHUNKING: one write per message
    [InlineData("chunking", "data=")]                 // PIPELINING only: DATA with the next envelope behind the dot
    [InlineData("pipelining", "bdat=")]               // CHUNKING only: MAIL, RCPT, then BDAT with its chunk
    [InlineData("chunking, pipelining", "data=")]     // neither: one command after the other
    public async Task One_batch_goes_over_several_sessions_and_arrives_exactly_once_each(string discard, string command)
    {
        var user = await NewUserAsync();
        await using var postfix = discard.Length == 0 ? null
            : await fixture.StartAnotherAsync(o => o with { DiscardEhloKeywords = discard.Split(", ") }, Ct);
        var server = postfix ?? Postfix;
        await using var proxy = TcpProxy.Start(server.Host, server.SmtpPort);
        await using var delivery = Through(proxy, maxSessions: 4);
        var batch = Enumerable.Range(1, 60).Select(i => Message($"{user}@example.com", $"p{i}", i)).ToArray();

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.Equal(batch, results.Select(r => r.Message));
        Assert.All(results, r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        var arrived = await ArrivedAsync(server, user);
        Assert.Equal(batch.Select((_, i) => $"p{i + 1}").Order(StringComparer.Ordinal), arrived.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(arrived, m => Assert.Contains(".a dotted line", m.Text));
        Assert.InRange(proxy.PeakConnections, 2, 4);
        Assert.InRange(proxy.TotalConnections, 2, 4);
        // smtpd logs its command counts at disconnect: ... mail=15 rcpt=15 bdat=15 ...
        await delivery.DisposeAsync();
        await AwaitLogAsync(server, command);
    }

    [Fact]
    public async Task Refusals_at_rcpt_stay_with_their_recipient_and_the_others_get_the_message_once()
    {
        var user = await NewUserAsync();
        var other = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Postfix.Host, Postfix.SmtpPort);
        await using var delivery = Through(proxy, maxSessions: 3);
        var batch = Enumerable.Range(1, 30).Select(i => Message($"{user}@example.com", $"r{i}")).ToArray();
        // Message 17: a domain Postfix does not take (554 5.7.1), one it defers (450 4.2.0), and two that arrive.
        batch[16] = new MessageToDeliver("postmaster@example.com", new MessageEnvelope("bob@remote.example",
        [
            new($"{user}@example.com"), new("someone@elsewhere.test"), new($"{PostfixServer.DeferredLocalPart}@example.com"),
            new($"{other}@example.com"),
        ]), batch[16].Content);

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.TemporaryFailure, DeliveryStatus.Delivered],
            results[16].Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("5.7.1", results[16].Recipients[1].Outcome.EnhancedStatusCode);
        Assert.Equal("4.2.0", results[16].Recipients[2].Outcome.EnhancedStatusCode);
        Assert.All(results.Where((_, i) => i != 16), r => Assert.True(r.AllDelivered));
        Assert.Equal(30, (await ArrivedAsync(Postfix, user)).Count);
        Assert.Equal(["r17"], (await Dovecot.ListAsync(other, cancellationToken: Ct)).Select(m => m.Subject));
        Assert.True(proxy.TotalConnections > 1, $"{proxy.TotalConnections} session(s)");
    }

    [Fact]
    public async Task Concurrent_batches_share_the_bound_on_sessions_to_the_target()
    {
        var user = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Postfix.Host, Postfix.SmtpPort);
        proxy.ServerDelay = TimeSpan.FromMilliseconds(5);
        await using var delivery = Through(proxy, maxSessions: 2);
        var batches = Enumerable.Range(0, 3).Select(b => Enumerable.Range(1, 20).Select(i => Message($"{user}@example.com", $"c{b}-{i}")).ToArray()).ToArray();

        var results = await Task.WhenAll(batches.Select(b => delivery.DeliverBatchAsync(b, Ct)));

        Assert.All(results.SelectMany(r => r), r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        Assert.Equal(60, (await ArrivedAsync(Postfix, user)).Count);
        Assert.Equal(2, proxy.PeakConnections);
        Assert.Equal(2, proxy.TotalConnections);
    }

    [Fact]
    public async Task Sessions_dropped_mid_batch_lose_nothing_and_deliver_nothing_twice()
    {
        const int count = 40;
        var remoteUser = await NewUserAsync();
        var messages = Enumerable.Range(1, count).Select(i => RemoteMessage.Create($"d{i}")).ToList();
        await Dovecot.InjectManyAsync(remoteUser, messages.Select(m => m.Raw), cancellationToken: Ct);
        var local = await NewUserAsync();
        await using var proxy = TcpProxy.Start(Postfix.Host, Postfix.SmtpPort);
        await using var smtp = new SmtpQueueDelivery(proxy.Host, proxy.Port, new SmtpQueueOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(10),
        }, maxSessions: 4);
        var imap = new ImapMailboxStore(Dovecot.Host, Dovecot.ImapPort,
            new ImapStoreOptions { MasterUser = Dovecot.MasterUser, MasterPassword = Dovecot.MasterPassword });
        var journal = new LedgerJournal();
        RpopPollRequest Request() => new()
        {
            Account = $"{local}@example.com",
            Record = new RpopRecord("home", PollPeriod.Default, remoteUser, new HostAndPort(Dovecot.Host, Dovecot.Pop3Port), new SealedSecret("unused")),
            Password = "pw",
            Ledger = journal.Ledger,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(20),
            MarkInFlight = journal.MarkAsync,
            QueueLookup = imap,
        };
        // Greetings and EHLO replies of four sessions are about 1.2 KB; the drop comes among the deliveries' replies.
        proxy.DropAfterServerBytes(3000);

        var first = await RpopPoll.RunAsync(Request(), smtp, imap, journal.CommitAsync, null, Ct);
        var afterFirst = proxy.TotalConnections;
        // What Postfix queued before the drop reaches Dovecot before the next poll looks for it there.
        var arrivedFirst = (await ArrivedAsync(Postfix, local)).Count;
        var second = await RpopPoll.RunAsync(Request(), smtp, imap, journal.CommitAsync, null, Ct);

        // The drop hit the batch: a message was left in doubt, or (the drop fell between two messages) the sessions had
        // to be opened again to finish it (4 connections without the drop).
        Assert.True(first.Delivered < count || afterFirst > 4, $"the drop did not hit the batch: {first.Delivered} delivered over {afterFirst} connections");
        Assert.True(arrivedFirst > 0, "nothing arrived before the drop");
        Assert.Equal(count, first.Delivered + second.Delivered + second.Recovered);
        var inbox = await ArrivedAsync(Postfix, local);
        Assert.Equal(messages.Select(m => m.Id).Order(StringComparer.Ordinal), inbox.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(0, await Dovecot.CountAsync(remoteUser, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task StartTls_is_negotiated_when_asked_and_the_message_arrives_once()
    {
        var user = await NewUserAsync();
        await using var postfix = await fixture.StartAnotherAsync(o => o with
        {
            Tls = (Dovecot.CaCertificatePath, Path.Combine(Dovecot.RootDirectory, "key.pem")),
        }, Ct);
        await using var delivery = new SmtpQueueDelivery(postfix.Host, postfix.SmtpPort, new SmtpQueueOptions
        {
            Security = MailKit.Security.SecureSocketOptions.StartTls,
            ServerCertificateValidation = Dovecot.ValidateServerCertificate,
        }, maxSessions: 2);
        await using var plain = new SmtpQueueDelivery(Postfix.Host, Postfix.SmtpPort, new SmtpQueueOptions
        {
            Security = MailKit.Security.SecureSocketOptions.StartTls,
        });

        var results = await delivery.DeliverBatchAsync([Message($"{user}@example.com", "tls1"), Message($"{user}@example.com", "tls2")], Ct);
        var refused = await plain.DeliverBatchAsync([Message($"{user}@example.com", "never")], Ct);

        Assert.All(results, r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        Assert.Equal(["tls1", "tls2"], (await ArrivedAsync(postfix, user)).Select(m => m.Subject).Order(StringComparer.Ordinal));
        await delivery.DisposeAsync(); // smtpd logs a session's command counts when it ends
        await AwaitLogAsync(postfix, "starttls=1");
        // A server without STARTTLS is not spoken to in clear text when TLS was asked for.
        Assert.Equal(DeliveryStatus.TemporaryFailure, refused.Single().Recipients.Single().Outcome.Status);
        Assert.Contains("STARTTLS", refused.Single().Recipients.Single().Outcome.Reason);
    }

    private static async Task AwaitLogAsync(PostfixServer server, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!server.LogText.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"no '{text}' in the Postfix log:\n{server.LogText}");
            await Task.Delay(20, Ct);
        }
    }
}
