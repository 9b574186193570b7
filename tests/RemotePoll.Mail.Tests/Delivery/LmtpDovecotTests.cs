using System.Net;
using System.Text;
using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>LMTP delivery into a real Dovecot on loopback; doveadm says what arrived.</summary>
[Integration]
public sealed class LmtpDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private EndPoint Lmtp => new IPEndPoint(IPAddress.Loopback, Server.LmtpPort);

    private async Task<string> NewUserAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw", Ct);
        return user;
    }

    private static byte[] Message(string subject, string body = "Hello.\r\n") =>
        Encoding.UTF8.GetBytes($"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\n{body}");

    [Fact]
    public async Task A_delivered_batch_is_in_the_inbox_in_order_with_return_path()
    {
        var user = await NewUserAsync();
        // One session keeps the batch's order; several (the default) deliver runs of it side by side.
        await using var delivery = new LmtpQueueDelivery(Lmtp, maxSessions: 1);
        var batch = Enumerable.Range(1, 20).Select(i => MessageToDeliver.ForAccount($"{user}@example.com", "bob@remote.example", Message($"m{i}"))).ToArray();

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.All(results, r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        var stored = await Server.ListAsync(user, cancellationToken: Ct);
        Assert.Equal(batch.Select((_, i) => $"m{i + 1}"), stored.Select(m => m.Subject));
        Assert.Contains("Return-Path: <bob@remote.example>", stored[0].Text);
    }

    [Fact]
    public async Task An_unknown_user_is_refused_with_5_1_1_without_blocking_the_rest_of_the_batch()
    {
        var user = await NewUserAsync();
        var other = await NewUserAsync();
        await using var delivery = new LmtpQueueDelivery(Lmtp);
        var both = new MessageToDeliver("postmaster@example.com", new MessageEnvelope("bob@remote.example",
            [new($"{user}@example.com"), new("nosuchuser@example.com"), new($"{other}@example.com")]), Message("shared"));
        var batch = new[]
        {
            MessageToDeliver.ForAccount($"{user}@example.com", null, Message("first")),
            MessageToDeliver.ForAccount("nosuchuser@example.com", null, Message("lost")),
            both,
            MessageToDeliver.ForAccount($"{user}@example.com", null, Message("last")),
        };

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        var refused = results[1].Recipients.Single().Outcome;
        Assert.Equal(DeliveryStatus.PermanentFailure, refused.Status);
        Assert.Equal("5.1.1", refused.EnhancedStatusCode);
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.Delivered],
            results[2].Recipients.Select(r => r.Outcome.Status));
        Assert.True(results[0].AllDelivered && results[3].AllDelivered);
        Assert.Equal(["first", "last", "shared"], (await Server.ListAsync(user, cancellationToken: Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(["shared"], (await Server.ListAsync(other, cancellationToken: Ct)).Select(m => m.Subject));
    }

    [Fact]
    public async Task Lines_starting_with_a_dot_and_bare_lf_arrive_intact()
    {
        var user = await NewUserAsync();
        await using var delivery = new LmtpQueueDelivery(Lmtp);
        var body = ".leading dot\n..two dots\r\n.\r\nGrüße\r\n";

        var results = await delivery.DeliverBatchAsync([MessageToDeliver.ForAccount($"{user}@example.com", null, Message("dots", body))], Ct);

        Assert.True(results.Single().AllDelivered);
        var text = (await Server.ListAsync(user, cancellationToken: Ct)).Single().Text;
        Assert.Contains(".leading dot\n..two dots\n.\nGrüße\n", text.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Dsn_parameters_are_withheld_from_dovecot_which_offers_no_dsn_and_would_refuse_them()
    {
        // Dovecot 2.3 LMTP answers NOTIFY= or RET= with "555 5.5.4 Unsupported parameters" when DSN is not offered.
        var user = await NewUserAsync();
        await using var client = new LmtpClient(Lmtp);
        await client.ConnectAsync(Ct);
        var envelope = new MessageEnvelope("bob@remote.example",
            [new($"{user}@example.com", DsnNotify.Never), new($"{user}@example.org", DsnNotify.Failure)], DsnReturn.Headers);

        var results = await client.DeliverAsync([new MessageToDeliver($"{user}@example.com", envelope, Message("dsn"))], Ct);

        Assert.True(client.SupportsPipelining);
        Assert.False(client.SupportsDsn);
        Assert.True(results.Single().AllDelivered, string.Join("; ", results.Single().Recipients));
        Assert.Equal(2, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task Recipient_verification_tells_local_users_from_unknown_ones()
    {
        var user = await NewUserAsync();
        await using var delivery = new LmtpQueueDelivery(Lmtp);

        Assert.True(await delivery.AcceptsRecipientAsync($"{user}@example.com", Ct));
        Assert.False(await delivery.AcceptsRecipientAsync("nosuchuser@example.com", Ct));
        Assert.Equal(0, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task Concurrent_batches_each_get_their_own_session()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => NewUserAsync()));
        await using var delivery = new LmtpQueueDelivery(Lmtp);

        var all = await Task.WhenAll(users.Select(u => delivery.DeliverBatchAsync(
            Enumerable.Range(0, 25).Select(i => MessageToDeliver.ForAccount($"{u}@example.com", null, Message($"c{i}"))).ToArray(), Ct)));

        Assert.All(all.SelectMany(r => r), r => Assert.True(r.AllDelivered));
        foreach (var u in users) Assert.Equal(25, await Server.CountAsync(u, cancellationToken: Ct));
    }

    [Fact]
    public async Task Delivery_goes_through_dovecots_unix_socket_too()
    {
        var user = await NewUserAsync();
        var socket = Path.Combine(Server.RootDirectory, "run", "lmtp");
        Assert.True(File.Exists(socket), $"no LMTP socket at {socket}");
        var target = DeliveryTarget.ParseQueue("queue", "lmtp:" + socket);
        await using var delivery = new LmtpQueueDelivery(target.EndPoint!);

        var results = await delivery.DeliverBatchAsync([MessageToDeliver.ForAccount($"{user}@example.com", null, Message("unix"))], Ct);

        Assert.True(results.Single().AllDelivered, string.Join("; ", results.Single().Recipients));
        Assert.Equal("unix", (await Server.ListAsync(user, cancellationToken: Ct)).Single().Subject);
    }

    [Fact]
    public async Task Large_messages_stream_through_in_one_batch()
    {
        var user = await NewUserAsync();
        await using var delivery = new LmtpQueueDelivery(Lmtp);
        var line = new string('x', 76) + "\r\n";
        var big = Message("big", string.Concat(Enumerable.Repeat(line, 6 * 1024 * 1024 / 78)) + "END\r\n");
        var batch = new[] { big, Message("small"), big }.Select(b => MessageToDeliver.ForAccount($"{user}@example.com", null, b)).ToArray();

        var results = await delivery.DeliverBatchAsync(batch, Ct);

        Assert.All(results, r => Assert.True(r.AllDelivered, string.Join("; ", r.Recipients)));
        var stored = await Server.ListAsync(user, cancellationToken: Ct);
        Assert.Equal(["big", "big", "small"], stored.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(stored.Where(m => m.Subject == "big"), m => Assert.EndsWith("END\n", m.Text.Replace("\r\n", "\n")));
    }
}
