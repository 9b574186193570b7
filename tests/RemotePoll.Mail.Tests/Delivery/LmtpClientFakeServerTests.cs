using System.Diagnostics;
using System.Text;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>LMTP behaviour against a server that misbehaves on purpose; the real-server tests use Dovecot.</summary>
public sealed class LmtpClientFakeServerTests : IAsyncLifetime
{
    private readonly FakeLmtpServer _server = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly LmtpClientOptions Quick = new()
    {
        CommandTimeout = TimeSpan.FromSeconds(5), DataTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static MessageToDeliver Message(string to, string body = "Hello.\r\n", string? sender = "bob@remote.example") =>
        MessageToDeliver.ForAccount(to, sender, Encoding.ASCII.GetBytes("Subject: test\r\n\r\n" + body));

    private static MessageToDeliver ToMany(params string[] recipients) =>
        new("postmaster@example.com", new MessageEnvelope("bob@remote.example", recipients.Select(r => new EnvelopeRecipient(r)).ToArray()),
            Encoding.ASCII.GetBytes("Subject: many\r\n\r\nHi.\r\n"));

    private async Task<IReadOnlyList<MessageDeliveryResult>> DeliverAsync(LmtpClientOptions options, params MessageToDeliver[] batch)
    {
        await using var client = new LmtpClient(_server.EndPoint, options);
        await client.ConnectAsync(Ct);
        return await client.DeliverAsync(batch, Ct);
    }

    [Fact]
    public async Task A_4xx_after_the_final_dot_is_a_temporary_failure_for_that_recipient_only()
    {
        _server.FinalReply = (rcpt, _) => rcpt.StartsWith("full", StringComparison.Ordinal) ? "452 4.2.2 Mailbox full" : "250 2.0.0 Saved";

        var result = (await DeliverAsync(Quick, ToMany("alice@example.com", "full@example.com", "carol@example.com"))).Single();

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.TemporaryFailure, DeliveryStatus.Delivered], result.Recipients.Select(r => r.Outcome.Status));
        Assert.Equal("452 4.2.2 Mailbox full", result.Recipients[1].Outcome.Reason);
        Assert.Equal("4.2.2", result.Recipients[1].Outcome.EnhancedStatusCode);
        Assert.True(result.HasTemporaryFailure);
    }

    [Fact]
    public async Task Rcpt_4xx_and_5xx_fail_their_recipients_and_the_others_get_the_message()
    {
        _server.RcptReply = rcpt => rcpt switch
        {
            "busy@example.com" => "451 4.3.0 Try later",
            "nobody@example.com" => "550 5.1.1 User doesn't exist",
            _ => "250 2.1.5 OK",
        };

        var result = (await DeliverAsync(Quick, ToMany("busy@example.com", "nobody@example.com", "alice@example.com"))).Single();

        Assert.Equal([DeliveryStatus.TemporaryFailure, DeliveryStatus.PermanentFailure, DeliveryStatus.Delivered], result.Recipients.Select(r => r.Outcome.Status));
        Assert.Single(_server.Messages);
    }

    [Fact]
    public async Task All_recipients_refused_skips_data_and_the_next_message_still_goes_through()
    {
        _server.RcptReply = rcpt => rcpt == "nobody@example.com" ? "550 5.1.1 User doesn't exist" : "250 2.1.5 OK";

        var results = await DeliverAsync(Quick, Message("nobody@example.com"), Message("alice@example.com"));

        Assert.Equal(DeliveryStatus.PermanentFailure, results[0].Recipients.Single().Outcome.Status);
        Assert.True(results[1].AllDelivered);
        Assert.Single(_server.Messages);
        Assert.Contains("RSET", _server.Commands);
    }

    [Fact]
    public async Task With_pipelining_the_next_message_is_sent_before_the_previous_final_replies_arrive()
    {
        _server.PipelineProbe = TimeSpan.FromSeconds(1);

        var results = await DeliverAsync(Quick, Message("a@example.com"), Message("b@example.com"), Message("c@example.com"));

        Assert.All(results, r => Assert.True(r.AllDelivered));
        Assert.Equal([true, true, false], _server.NextCommandBeforeFinalReply);
        Assert.Equal(1, _server.Connections);
    }

    [Fact]
    public async Task Without_pipelining_every_command_waits_for_its_reply()
    {
        _server.Extensions = ["ENHANCEDSTATUSCODES", "8BITMIME"];

        var results = await DeliverAsync(Quick, Message("a@example.com"), Message("b@example.com"), ToMany("c@example.com", "d@example.com"));

        Assert.All(results, r => Assert.True(r.AllDelivered));
        Assert.Empty(_server.UnpermittedPipelining);
        Assert.Equal(3, _server.Messages.Count);
    }

    [Fact]
    public async Task A_stalled_final_reply_times_out_as_a_temporary_failure()
    {
        _server.FinalReplyDelay = TimeSpan.FromSeconds(30);
        var options = Quick with { DataTimeout = TimeSpan.FromMilliseconds(300) };
        var clock = Stopwatch.StartNew();

        var results = await DeliverAsync(options, Message("a@example.com"), Message("b@example.com"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.All(results, r => Assert.Equal(DeliveryStatus.TemporaryFailure, r.Recipients.Single().Outcome.Status));
        Assert.Contains("no reply within", results[0].Recipients[0].Outcome.Reason);
    }

    [Fact]
    public async Task A_connection_lost_mid_batch_keeps_what_was_acknowledged_and_fails_the_rest_temporarily()
    {
        _server.CloseAtMessage = 2;

        var results = await DeliverAsync(Quick, Message("a@example.com"), Message("b@example.com"), Message("c@example.com"));

        Assert.True(results[0].AllDelivered);
        Assert.True(results[1].HasTemporaryFailure);
        Assert.True(results[2].HasTemporaryFailure);
        Assert.StartsWith("4.4.2", results[2].Recipients[0].Outcome.Reason);
    }

    [Fact]
    public async Task A_malformed_or_overlong_reply_is_a_protocol_error_quoting_the_reply()
    {
        _server.FinalReply = (_, _) => "OK then";
        var first = (await DeliverAsync(Quick, Message("a@example.com"))).Single();
        _server.FinalReply = (_, _) => "250 " + new string('x', 10_000);
        var second = (await DeliverAsync(Quick with { MaxLineLength = 512 }, Message("a@example.com"))).Single();

        Assert.Contains("malformed reply line: 'OK then'", first.Recipients[0].Outcome.Reason);
        Assert.Equal(DeliveryStatus.TemporaryFailure, first.Recipients[0].Outcome.Status);
        Assert.Contains("longer than 512", second.Recipients[0].Outcome.Reason);
    }

    [Fact]
    public async Task A_refusing_greeting_makes_the_target_unavailable_and_the_batch_temporary()
    {
        _server.Greeting = "421 4.3.2 Too many connections";
        await using var delivery = new LmtpQueueDelivery(_server.EndPoint, Quick);

        var results = await delivery.DeliverBatchAsync([Message("a@example.com")], Ct);

        var outcome = results.Single().Recipients.Single().Outcome;
        Assert.Equal(DeliveryStatus.TemporaryFailure, outcome.Status);
        Assert.Contains("421 4.3.2 Too many connections", outcome.Reason);
        await Assert.ThrowsAsync<DeliveryUnavailableException>(() => delivery.AcceptsRecipientAsync("a@example.com", Ct));
    }

    [Fact]
    public async Task Nobody_listening_makes_the_batch_temporary()
    {
        var endPoint = _server.EndPoint;
        await _server.DisposeAsync();
        await using var delivery = new LmtpQueueDelivery(endPoint, Quick);

        var results = await delivery.DeliverBatchAsync([Message("a@example.com")], Ct);

        Assert.True(results.Single().HasTemporaryFailure);
        Assert.StartsWith("4.4.1", results.Single().Recipients[0].Outcome.Reason);
    }

    [Fact]
    public async Task Content_is_sent_with_crlf_line_ends_and_leading_dots_doubled()
    {
        var raw = Encoding.ASCII.GetBytes("Subject: dots\n\n.hidden\nline\r\n..two\r\n.\nlast");
        var message = MessageToDeliver.ForAccount("a@example.com", null, raw);

        await DeliverAsync(Quick, message);

        Assert.Equal("Subject: dots\r\n\r\n..hidden\r\nline\r\n...two\r\n..\r\nlast\r\n", Encoding.ASCII.GetString(_server.Messages.Single()));
        Assert.Contains("MAIL FROM:<>", _server.Commands);
    }

    [Fact]
    public async Task Dsn_parameters_are_sent_only_to_a_server_that_advertises_dsn()
    {
        var envelope = new MessageEnvelope("bob@remote.example",
            [new("a@example.com", DsnNotify.Never), new("b+x=y@example.com", DsnNotify.Failure), new("c@example.com")], DsnReturn.Headers);
        var message = new MessageToDeliver("postmaster@example.com", envelope, Encoding.ASCII.GetBytes("Subject: x\r\n\r\nx\r\n"));

        await DeliverAsync(Quick, message);
        var withoutDsn = _server.Commands.ToArray();
        _server.Extensions.Add("DSN");
        _server.Commands.Clear();
        await DeliverAsync(Quick, message);
        var withDsn = _server.Commands.ToArray();

        Assert.DoesNotContain(withoutDsn, c => c.Contains("NOTIFY=") || c.Contains("RET=") || c.Contains("ORCPT="));
        Assert.Contains("MAIL FROM:<bob@remote.example> RET=HDRS", withDsn);
        Assert.Contains("RCPT TO:<a@example.com> NOTIFY=NEVER ORCPT=rfc822;a@example.com", withDsn);
        Assert.Contains("RCPT TO:<b+x=y@example.com> NOTIFY=FAILURE ORCPT=rfc822;b+2Bx+3Dy@example.com", withDsn);
        Assert.Contains("RCPT TO:<c@example.com> ORCPT=rfc822;c@example.com", withDsn);
    }

    [Fact]
    public async Task Eight_bit_content_is_announced_as_8bitmime()
    {
        await DeliverAsync(Quick, MessageToDeliver.ForAccount("a@example.com", null, Encoding.UTF8.GetBytes("Subject: x\r\n\r\nGrüße\r\n")));

        Assert.Contains("MAIL FROM:<> BODY=8BITMIME", _server.Commands);
    }

    [Fact]
    public async Task Malformed_addresses_are_refused_locally_and_never_reach_the_server()
    {
        var results = await DeliverAsync(Quick, ToMany("a@example.com", "evil@example.com>\r\nRSET", "no-domain"));

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.PermanentFailure, DeliveryStatus.PermanentFailure],
            results.Single().Recipients.Select(r => r.Outcome.Status));
        Assert.Single(_server.Commands, c => c.StartsWith("RCPT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_queue_delivery_reuses_one_session_across_batches_and_checks_it_with_rset()
    {
        await using var delivery = new LmtpQueueDelivery(_server.EndPoint, Quick);

        await delivery.DeliverBatchAsync([Message("a@example.com")], Ct);
        await delivery.DeliverBatchAsync([Message("b@example.com")], Ct);
        var accepted = await delivery.AcceptsRecipientAsync("c@example.com", Ct);

        Assert.True(accepted);
        Assert.Equal(1, _server.Connections);
        Assert.Equal(2, _server.Messages.Count);
        Assert.Equal("RSET", _server.Commands.SkipWhile(c => !c.StartsWith("DATA", StringComparison.Ordinal)).Skip(1).First());
    }

    [Fact]
    public async Task Delivery_works_over_a_unix_socket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rpoll-lmtp-{Guid.NewGuid():N}.sock");
        await using var server = new FakeLmtpServer(path);
        await using var delivery = new LmtpQueueDelivery(DeliveryTarget.ParseQueue("queue", "lmtp:" + path).EndPoint!, Quick);

        var results = await delivery.DeliverBatchAsync([Message("a@example.com")], Ct);

        Assert.True(results.Single().AllDelivered);
        Assert.Single(server.Messages);
    }
}
