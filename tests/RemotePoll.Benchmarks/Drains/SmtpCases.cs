using RemotePoll.Benchmarks.Limits;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;
using RemotePoll.Testing.Postfix;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// SMTP delivery (issue 18.2): a private Postfix (queue on tmpfs) in front of the bench Dovecot's LMTP. The limits
/// are <see cref="SmtpMinimalClient"/> over 1 and N sessions; <c>rpop-smtp</c> is RpopDrain from the bench Dovecot's
/// POP3 into <see cref="SmtpQueueDelivery"/>. SMTP acknowledges when Postfix has queued a message, so every case is
/// timed to the last 250, not to Dovecot's delivery; before each run Postfix's queue is emptied (untimed), so no run
/// pays for the previous run's hand-over to Dovecot. Postfix is started by the first case that runs.
/// </summary>
internal sealed class SmtpCases(BenchContext context) : IAsyncDisposable
{
    public const string One = "smtp-limit-1";
    public const string Sessions = "smtp-limit-sessions";
    public const string Drain = "rpop-smtp";

    private static readonly TimeSpan QueueTimeout = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostfixServer? _postfix;

    public IEnumerable<BenchmarkCase> All()
    {
        var sessions = context.Options.LmtpSessions;
        yield return Limit(One, 1, "minimal SMTP into Postfix: MAIL/RCPT/BDAT LAST and the content in one write, one message after the other on one session");
        yield return Limit(Sessions, sessions, $"the same over {sessions} sessions at once, each taking the next message (the N-session SMTP limit)");
        yield return new BenchmarkCase(Drain, false,
            $"RpopDrain into Postfix over SMTP ({sessions} sessions, PIPELINING, BDAT), timed to the last 250 (queued by Postfix)",
            Sessions, DrainAsync) { AlsoComparedWith = One };
    }

    public async ValueTask DisposeAsync()
    {
        if (_postfix is not null) await _postfix.DisposeAsync();
    }

    private BenchmarkCase Limit(string name, int sessions, string description) =>
        new(name, true, description, null, async (run, count, ct) =>
        {
            var postfix = await ReadyAsync(ct);
            var user = $"{name}-{run}-{count}";
            await context.Dovecot.AddUserAsync(user, BenchContext.Password, ct);
            var messages = Corpus.Messages(user, count, context.Options.Size).ToList();
            var (elapsed, cpu) = await BenchContext.MeasureAsync(() => SmtpMinimalClient.DeliverAllAsync(
                postfix.Host, postfix.SmtpPort, $"{user}@local.example", messages, sessions, ct));
            return new RunSample(elapsed, cpu, count, messages.Sum(m => (long)m.Length), new Dictionary<string, TimeSpan>());
        });

    private async Task<RunSample> DrainAsync(int run, int count, CancellationToken ct)
    {
        var postfix = await ReadyAsync(ct);
        var user = $"{Drain}-{run}-{count}";
        await context.EnsurePop3MailboxAsync(user, count, ct);
        await context.Dovecot.AddUserAsync($"sink-{user}", BenchContext.Password, ct);
        await using var smtp = new SmtpQueueDelivery(postfix.Host, postfix.SmtpPort, maxSessions: context.Options.LmtpSessions);
        var destination = new TimedDestination(new QueueDestination(smtp, $"sink-{user}@local.example"));
        using var journal = new LedgerJournal(null);
        RpopDrainResult? result = null;
        var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
        {
            await using var session = await Pop3Session.OpenAsync(RpopCases.SessionOptions(context, tls: false), new Pop3Credentials(user, BenchContext.Password), null, ct);
            result = await RpopDrain.RunAsync(session, journal.Ledger, destination, leave: false, 64L * 1024 * 1024, journal.CommitAsync, ct);
        });
        if (result!.Delivered != count || result.Problem is not null)
            throw new InvalidOperationException($"{Drain}: {result.Delivered} of {count} delivered ({result.Problem})");
        return new RunSample(elapsed, cpu, result.Delivered, result.Bytes, new Dictionary<string, TimeSpan>
        {
            ["POP3 session"] = elapsed - destination.Time - journal.Time,
            ["deliver"] = destination.Time,
            ["commit"] = journal.Time,
        });
    }

    /// <summary>The Postfix, started on first use, with its queue empty.</summary>
    private async Task<PostfixServer> ReadyAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _postfix ??= await PostfixServer.StartAsync(new PostfixOptions
            {
                Lmtp = (context.Dovecot.Host, context.Dovecot.LmtpPort),
                Domains = ["local.example"],
            }, ct);
        }
        finally
        {
            _gate.Release();
        }
        await _postfix.WaitForEmptyQueueAsync(QueueTimeout, ct);
        return _postfix;
    }
}
