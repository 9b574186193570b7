using System.Diagnostics;
using System.Net;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// The drain overlaps retrieval and delivery (batch n+1 is retrieved while batch n is delivered) without bending the
/// rule that loses nothing: a DELE only after its message's delivery was acknowledged and committed, a failure leaves
/// everything not acknowledged on the server, and the byte budget counts both batches in memory. Against the test
/// Dovecot's POP3, delivering into its LMTP.
/// </summary>
[Integration]
public sealed class RpopOverlapDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>How long a delivery waits to see the next batch asked for before it goes on without.</summary>
    private static readonly TimeSpan OverlapWait = TimeSpan.FromSeconds(5);

    private sealed record Remote(string User, string Password, List<RemoteMessage> Messages, IReadOnlyList<long> Sizes);

    private async Task<Remote> NewRemoteAsync(string prefix, int count, int size = 0)
    {
        var user = "o" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var messages = Enumerable.Range(1, count).Select(i => RemoteMessage.Create($"{prefix}{i}", i % 2 == 0 ? "<b@remote.example>" : null, size)).ToList();
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, messages.Select(m => m.Raw), cancellationToken: Ct);
        // The sizes as the server lists them (no QUIT: changes nothing).
        await using var session = await Pop3Session.OpenAsync(new Pop3SessionOptions { Host = new HostAndPort(Server.Host, Server.Pop3Port) },
            new Pop3Credentials(user, password), cancellationToken: Ct);
        return new Remote(user, password, messages, await session.ListSizesAsync(Ct));
    }

    private async Task<string> NewSinkAsync()
    {
        var user = "s" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw-" + Guid.NewGuid().ToString("N")[..12], Ct);
        return user;
    }

    private async Task<RpopDrainResult> DrainAsync(Remote remote, LedgerJournal journal, IMessageDestination destination, WireTimeline log,
        int batchSize, long batchBytes = RpopDrain.DefaultBatchBytes)
    {
        var options = new Pop3SessionOptions
        {
            Host = new HostAndPort(Server.Host, Server.Pop3Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(20),
        };
        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials(remote.User, remote.Password), log, Ct);
        return await RpopDrain.RunAsync(session, journal.Ledger, destination, leave: false, 64L * 1024 * 1024, journal.CommitAsync, Ct,
            batchSize, batchBytes);
    }

    /// <summary>The message numbers (1-based) the client has sent RETR for so far.</summary>
    private static HashSet<int> Retrieved(WireTimeline log) =>
        log.Commands.Where(c => c.StartsWith("RETR ", StringComparison.Ordinal)).Select(c => int.Parse(c[5..])).ToHashSet();

    /// <summary>Polls a condition (the drain runs on its own; nothing to probe) until it holds or the time is up.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > within) return false;
            await Task.Delay(10, Ct);
        }
        return true;
    }

    /// <summary>
    /// In front of the real destination: before each batch goes on, waits (bounded) until the drain has asked for a
    /// message past this batch, and notes whether it did and how many bytes were then asked for but not yet delivered.
    /// </summary>
    private sealed class WatchingDestination(IMessageDestination inner, Remote remote, WireTimeline log) : IMessageDestination
    {
        private readonly HashSet<int> _delivered = [];

        public Func<int, IReadOnlyList<byte[]>, DeliveryOutcome?[]>? Verdicts { get; init; }
        public List<bool> SawNextBatchAsked { get; } = [];
        public List<long> BytesInFlight { get; } = [];
        public List<int> BatchSizes { get; } = [];
        public int Batches { get; private set; }

        private int NumberOf(byte[] message) => remote.Messages.FindIndex(m => m.Id == RemoteMessage.IdOf(message)) + 1;

        public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
        {
            var batch = Batches++;
            BatchSizes.Add(messages.Count);
            var numbers = messages.Select(NumberOf).ToList();
            var last = numbers.Max();
            var more = last < remote.Messages.Count;
            var asked = more && await EventuallyAsync(() => Retrieved(log).Any(n => n > last), OverlapWait);
            SawNextBatchAsked.Add(asked);
            BytesInFlight.Add(Retrieved(log).Where(n => !_delivered.Contains(n)).Sum(n => remote.Sizes[n - 1]));

            var own = Verdicts?.Invoke(batch, messages) ?? new DeliveryOutcome?[messages.Count];
            var passed = messages.Where((_, i) => own[i] is null).ToList();
            var theirs = passed.Count == 0 ? [] : await inner.DeliverAsync(passed, cancellationToken);
            var k = 0;
            var outcomes = own.Select(o => o ?? theirs[k++]).ToList();
            for (var i = 0; i < messages.Count; i++)
                if (outcomes[i].IsDelivered) _delivered.Add(numbers[i]);
            return outcomes;
        }
    }

    private async Task<List<string>> SinkIdsAsync(string sink) =>
        (await Server.ListAsync(sink, cancellationToken: Ct)).Select(m => m.MessageId.Trim('<', '>').Split('@')[0]).Order(StringComparer.Ordinal).ToList();

    private static List<string> Ids(IEnumerable<RemoteMessage> messages) => messages.Select(m => m.Id).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_next_batch_is_retrieved_while_one_is_delivered_over_LMTP_and_every_message_arrives_exactly_once()
    {
        var remote = await NewRemoteAsync("v", 40);
        var sink = await NewSinkAsync();
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var log = new WireTimeline();
        var journal = new LedgerJournal();
        var destination = new WatchingDestination(new QueueDestination(lmtp, sink + "@example.com"), remote, log);

        var result = await DrainAsync(remote, journal, destination, log, batchSize: 10);

        Assert.Null(result.Problem);
        Assert.Equal((40, 0), (result.Delivered, result.LeftOnServer));
        // Every batch but the last found the next one already asked for while it was delivered.
        Assert.Equal([true, true, true, false], destination.SawNextBatchAsked);
        Assert.Equal(40, log.CountCommands("RETR"));
        Assert.Equal(40, log.CountCommands("DELE"));
        Assert.Equal(Ids(remote.Messages), await SinkIdsAsync(sink));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task A_delivery_failure_in_a_batch_while_the_next_was_retrieved_deletes_nothing_of_the_next_nor_the_failed_and_the_next_poll_delivers_once()
    {
        var remote = await NewRemoteAsync("f", 30);
        var sink = await NewSinkAsync();
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var log = new WireTimeline();
        var journal = new LedgerJournal();
        var failing = new HashSet<string>(["f12", "f15"], StringComparer.Ordinal);
        // The second batch (f11..f20): two messages fail temporarily, the rest is delivered; the third was retrieved meanwhile.
        var destination = new WatchingDestination(new QueueDestination(lmtp, sink + "@example.com"), remote, log)
        {
            Verdicts = (batch, messages) => messages.Select(m => batch == 1 && failing.Contains(RemoteMessage.IdOf(m))
                ? DeliveryOutcome.Temporary("452 4.2.2 over quota") : null).ToArray(),
        };

        var first = await DrainAsync(remote, journal, destination, log, batchSize: 10);

        Assert.Equal(PollErrorKind.LocalDeliveryFailed, first.ProblemKind);
        Assert.Contains("4.2.2", first.Problem);
        Assert.Equal((18, 12), (first.Delivered, first.LeftOnServer));
        Assert.Equal([true, true], destination.SawNextBatchAsked);
        Assert.Equal(2, destination.Batches); // the third batch was retrieved, never delivered
        Assert.Contains(21, Retrieved(log));
        var deleted = log.Commands.Where(c => c.StartsWith("DELE ", StringComparison.Ordinal)).Select(c => int.Parse(c[5..])).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 20).Except([12, 15]).ToList(), deleted);
        Assert.Equal(12, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(18, journal.DeliveredCommitted); // and pruned again once QUIT committed their deletion
        Assert.Empty(journal.Ledger.Delivered);
        Assert.Empty(journal.Ledger.Rejected);

        var again = new WatchingDestination(new QueueDestination(lmtp, sink + "@example.com"), remote, new WireTimeline());
        var second = await DrainAsync(remote, journal, again, new WireTimeline(), batchSize: 10);

        Assert.Null(second.Problem);
        Assert.Equal(12, second.Delivered);
        Assert.Equal(Ids(remote.Messages), await SinkIdsAsync(sink));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Fact]
    public async Task The_byte_budget_counts_both_batches_in_memory()
    {
        // 24 messages of about 20 KB under a budget of 100 KB: a batch takes at most half of it, and the next one only
        // what fits beside the batch being delivered.
        var remote = await NewRemoteAsync("b", 24, size: 20_000);
        const long budget = 100_000;
        var sink = await NewSinkAsync();
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var log = new WireTimeline();
        var journal = new LedgerJournal();
        var destination = new WatchingDestination(new QueueDestination(lmtp, sink + "@example.com"), remote, log);

        var result = await DrainAsync(remote, journal, destination, log, batchSize: 200, batchBytes: budget);

        Assert.Equal((24, 0), (result.Delivered, result.LeftOnServer));
        Assert.All(destination.BytesInFlight, b => Assert.InRange(b, 1, budget));
        // Two batches were in memory at once (so the bound is not met by never overlapping).
        Assert.Contains(destination.BytesInFlight, b => b > budget / 2);
        Assert.Contains(true, destination.SawNextBatchAsked);
        Assert.Equal(Ids(remote.Messages), await SinkIdsAsync(sink));
        Assert.Equal(0, await Server.CountAsync(remote.User, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_is_at_most_twice_the_one_delivered_while_it_is_retrieved()
    {
        // 40 messages of about 20 KB under a budget of 1.6 MB: the first batch is an eighth of it (about 10 messages); the
        // one retrieved beside it may not be the half of the budget (all the others) that the local side would wait for.
        var remote = await NewRemoteAsync("g", 40, size: 20_000);
        var sink = await NewSinkAsync();
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, Server.LmtpPort));
        var log = new WireTimeline();
        var destination = new WatchingDestination(new QueueDestination(lmtp, sink + "@example.com"), remote, log);

        var result = await DrainAsync(remote, new LedgerJournal(), destination, log, batchSize: 200, batchBytes: 1_600_000);

        Assert.Equal((40, 0), (result.Delivered, result.LeftOnServer));
        Assert.InRange(destination.BatchSizes[1], 1, 2 * destination.BatchSizes[0]);
        Assert.True(destination.BatchSizes.Count >= 3, string.Join(", ", destination.BatchSizes));
        Assert.Equal(Ids(remote.Messages), await SinkIdsAsync(sink));
    }
}
