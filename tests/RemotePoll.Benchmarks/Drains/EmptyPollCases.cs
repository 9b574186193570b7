using RemotePoll.Benchmarks.Limits;
using RemotePoll.Core.Ledgers;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// Polls with nothing new (case d): N records, each its own empty Dovecot mailbox, polled once each, at most
/// <see cref="Concurrency"/> at a time (a node's Processes = 20). In this process: RemotePoll's poll is
/// <see cref="Pop3Session"/> plus <see cref="RpopDrain"/> (connect, USER/PASS, UIDL, LIST, QUIT), the limit the minimal
/// client doing the same. The node's scheduling and journal are not in it. "msg/s" is polls per second; CPU is
/// this process's (Dovecot's is not counted) per 1000 polls.
/// </summary>
internal static class EmptyPollCases
{
    public const string Limit = "pop3-limit-empty-polls";
    public const string Name = "rpop-empty-polls";
    public const int Concurrency = 20;
    private const long MaxMessageSize = 64L * 1024 * 1024;

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        var dovecot = context.Dovecot;
        yield return new BenchmarkCase(Limit, true,
            $"minimal POP3 USER/PASS, UIDL, LIST, QUIT once per empty mailbox, {Concurrency} at a time", null,
            (_, count, ct) => PollAllAsync(context, count, async (user, t) =>
            {
                if (await Pop3PipelinedClient.ListAsync(dovecot.Host, dovecot.Pop3Port, user, BenchContext.Password, t) != 0)
                    throw new InvalidOperationException($"{user}'s mailbox is not empty");
            }, ct));
        yield return new BenchmarkCase(Name, false,
            $"one RemotePoll poll (Pop3Session + RpopDrain, delete mode) per record with nothing new, {Concurrency} at a time", Limit,
            (_, count, ct) =>
            {
                var destination = new QueueDestination(new MaildirStore(context.TmpfsRoot), "nobody@local.example");
                return PollAllAsync(context, count, async (user, t) =>
                {
                    await using var session = await Pop3Session.OpenAsync(RpopCases.SessionOptions(context, tls: false),
                        new Pop3Credentials(user, BenchContext.Password), null, t);
                    var result = await RpopDrain.RunAsync(session, UidLedger.Empty, destination, leave: false, MaxMessageSize,
                        (_, _) => Task.CompletedTask, t);
                    if (result.Delivered != 0 || result.Problem is not null)
                        throw new InvalidOperationException($"{user}: {result.Delivered} delivered ({result.Problem})");
                }, ct);
            });
    }

    private static async Task<RunSample> PollAllAsync(BenchContext context, int count, Func<string, CancellationToken, Task> poll,
        CancellationToken ct)
    {
        var users = Enumerable.Range(1, count).Select(i => $"empty{i:D5}").ToArray();
        // Untimed: each user exists and Dovecot has made its (empty) Maildir and index in a first session.
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
            async (u, t) => await context.EnsurePop3MailboxAsync(u, 0, t));
        var (elapsed, cpu) = await BenchContext.MeasureAsync(() =>
            Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
                async (u, t) => await poll(u, t)));
        return new RunSample(elapsed, cpu, count, 0, new Dictionary<string, TimeSpan>());
    }
}
