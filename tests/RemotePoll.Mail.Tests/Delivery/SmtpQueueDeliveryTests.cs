using System.Net;
using System.Text;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// SMTP queue delivery against the scripted server in SMTP mode (without CHUNKING); SmtpSessionsPostfixTests runs
/// against a real Postfix.
/// </summary>
public sealed class SmtpQueueDeliveryTests : IAsyncLifetime
{
    private readonly FakeLmtpServer _server = new() { Smtp = true };
    private SmtpQueueDelivery _delivery = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        var ep = (IPEndPoint)_server.EndPoint;
        // One session, so that the messages of a batch go one after the other on it (SmtpSessionsPostfixTests has several).
        _delivery = new SmtpQueueDelivery(ep.Address.ToString(), ep.Port, new SmtpQueueOptions { CommandTimeout = TimeSpan.FromSeconds(5) }, maxSessions: 1);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _delivery.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static readonly byte[] Raw = Encoding.UTF8.GetBytes(
        "Received: from x\r\n\tby y; Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom:  \"Bob\"   <bob@remote.example>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n.dot\r\n");

    private static MessageToDeliver To(params string[] recipients) =>
        new("postmaster@example.com", new MessageEnvelope("bob@remote.example",
            recipients.Select(r => new EnvelopeRecipient(r, DsnNotify.Failure)).ToArray()), Raw);

    [Fact]
    public async Task Each_message_is_one_transaction_whose_final_reply_counts_for_every_accepted_recipient()
    {
        _server.RcptReply = r => r == "nobody@example.com" ? "550 5.1.1 User unknown" : "250 2.1.5 OK";
        _server.FinalReply = (_, n) => n == 2 ? "451 4.3.0 Queue full" : "250 2.0.0 Queued";

        var results = await _delivery.DeliverBatchAsync([To("a@example.com", "nobody@example.com", "b@example.com"), To("c@example.com", "d@example.com")], Ct);

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.Delivered], results[0].Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("5.1.1", results[0].Recipients[1].Outcome.EnhancedStatusCode);
        Assert.All(results[1].Recipients, r => Assert.Equal(DeliveryStatus.TemporaryFailure, r.Outcome.Status));
        Assert.Contains("Queue full", results[1].Recipients[0].Outcome.Reason);
        Assert.Equal(1, _server.Connections);
    }

    [Fact]
    public async Task The_message_bytes_are_relayed_as_retrieved()
    {
        await _delivery.DeliverBatchAsync([To("a@example.com")], Ct);

        var stuffed = Encoding.UTF8.GetString(_server.Messages.Single());
        Assert.Equal(Encoding.UTF8.GetString(Raw).Replace("\r\n.dot", "\r\n..dot"), stuffed);
    }

    [Fact]
    public async Task A_null_sender_is_the_null_reverse_path()
    {
        await _delivery.DeliverBatchAsync([MessageToDeliver.ForAccount("a@example.com", null, Raw)], Ct);

        Assert.Contains(_server.Commands, c => c.StartsWith("MAIL FROM:<>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_is_sent_only_when_the_server_advertises_dsn()
    {
        var message = new MessageToDeliver("x@example.com", new MessageEnvelope(null,
            [new("a@example.com", DsnNotify.Never), new("b@example.com", DsnNotify.Failure), new("c@example.com")]), Raw);

        await _delivery.DeliverBatchAsync([message], Ct);
        var without = _server.Commands.ToArray();
        _server.Extensions.Add("DSN");
        await using var again = new SmtpQueueDelivery(((IPEndPoint)_server.EndPoint).Address.ToString(), ((IPEndPoint)_server.EndPoint).Port);
        _server.Commands.Clear();
        await again.DeliverBatchAsync([message], Ct);

        Assert.DoesNotContain(without, c => c.Contains("NOTIFY="));
        Assert.False(_delivery.AdvertisesDsn);
        Assert.True(again.AdvertisesDsn);
        Assert.Contains("RCPT TO:<a@example.com> NOTIFY=NEVER ORCPT=rfc822;a@example.com", _server.Commands);
        Assert.Contains("RCPT TO:<b@example.com> NOTIFY=FAILURE ORCPT=rfc822;b@example.com", _server.Commands);
        Assert.Contains("RCPT TO:<c@example.com> ORCPT=rfc822;c@example.com", _server.Commands);
    }

    [Fact]
    public async Task Recipient_verification_asks_rcpt_and_resets()
    {
        _server.RcptReply = r => r == "nobody@example.com" ? "550 5.1.1 User unknown" : r == "later@example.com" ? "450 4.2.1 Try later" : "250 2.1.5 OK";

        Assert.True(await _delivery.AcceptsRecipientAsync("a@example.com", Ct));
        Assert.False(await _delivery.AcceptsRecipientAsync("nobody@example.com", Ct));
        await Assert.ThrowsAsync<DeliveryUnavailableException>(() => _delivery.AcceptsRecipientAsync("later@example.com", Ct));
        Assert.Empty(_server.Messages);
        Assert.Contains("RSET", _server.Commands);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_batch_temporarily()
    {
        var ep = (IPEndPoint)_server.EndPoint;
        await _server.DisposeAsync();
        await using var delivery = new SmtpQueueDelivery(ep.Address.ToString(), ep.Port);

        var results = await delivery.DeliverBatchAsync([To("a@example.com")], Ct);

        Assert.StartsWith("4.4.1", results.Single().Recipients.Single().Outcome.Reason);
    }

    [Fact]
    public async Task A_connection_lost_at_the_final_dot_fails_that_message_temporarily_and_the_rest_go_on_a_new_session()
    {
        _server.CloseAtMessage = 2; // the second message of each connection

        var results = await _delivery.DeliverBatchAsync([To("a@example.com"), To("b@example.com"), To("c@example.com")], Ct);

        Assert.True(results[0].AllDelivered);
        Assert.True(results[1].HasTemporaryFailure);
        Assert.Contains("4.4.2 SMTP", results[1].Recipients[0].Outcome.Reason);
        Assert.True(results[2].AllDelivered);
        Assert.Equal(2, _server.Connections);
    }
}
