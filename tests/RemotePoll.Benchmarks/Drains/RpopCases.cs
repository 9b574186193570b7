using System.Net;
using RemotePoll.Benchmarks.Limits;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>
/// RemotePoll's own drain, in this process: <see cref="Pop3Session"/> and <see cref="RpopDrain"/> exactly as the
/// poller runs them (batches of <see cref="RpopDrain.DefaultBatchSize"/>, delete mode), into the queue path of a
/// <see cref="MaildirStore"/> or into Dovecot over LMTP, with the ledger committed by <see cref="LedgerJournal"/>.
/// Each run drains a freshly loaded mailbox; only the session (connect to QUIT) is timed.
/// </summary>
internal static class RpopCases
{
    public const string Maildir = "rpop-maildir";
    public const string MaildirJournal = "rpop-maildir-journal";
    public const string MaildirTls = "rpop-maildir-tls";
    public const string MaildirTmpfs = "rpop-maildir-tmpfs";
    public const string Lmtp = "rpop-lmtp";
    public const string LmtpTls = "rpop-lmtp-tls";
    public const string LmtpInFlight = "rpop-lmtp-inflight";
    public const string MaildirLeave = "rpop-maildir-leave";
    public const string LeaveRelist = "rpop-leave-relist";

    private const long MaxMessageSize = 64L * 1024 * 1024;

    private sealed record Variant(string Name, bool Tls = false, bool Tmpfs = false, bool Journal = false, bool Lmtp = false, bool Leave = false,
        bool InFlight = false);

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        BenchmarkCase Drain(Variant v, string description, string limit, string? also = null) =>
            new(v.Name, false, description, limit, (run, count, ct) => DrainAsync(context, v, run, count, ct)) { AlsoComparedWith = also };

        // On the disk: compared with the one-flush-per-batch limit (the same barrier) and with the fsync-per-file one.
        yield return Drain(new Variant(Maildir),
            "RpopDrain via Pop3Session into MaildirStore (queue path; per batch one syncfs, renames, fsync of new/), delete mode, ledger in memory",
            LimitCases.Pop3SyncfsBatch, LimitCases.Pop3FsyncBatch);
        yield return Drain(new Variant(MaildirLeave, Leave: true),
            "as rpop-maildir in Leave mode (first poll: everything fetched, nothing deleted)",
            LimitCases.Pop3SyncfsBatch, LimitCases.Pop3FsyncBatch);
        yield return Drain(new Variant(MaildirJournal, Journal: true),
            "as rpop-maildir, each ledger change appended to a file and fsynced (the journal write per batch)",
            LimitCases.Pop3SyncfsBatch, LimitCases.Pop3FsyncBatch);
        yield return Drain(new Variant(MaildirTls, Tls: true),
            "as rpop-maildir over POP3S (implicit TLS, CA from --ca-file)", LimitCases.Pop3TlsFsyncBatch, LimitCases.Pop3FsyncBatch);
        yield return Drain(new Variant(MaildirTmpfs, Tmpfs: true),
            "as rpop-maildir with the Maildir on tmpfs, where fsync costs nothing: the drain without the disk",
            LimitCases.Pop3Tmpfs);
        yield return Drain(new Variant(Lmtp, Lmtp: true),
            "RpopDrain into Dovecot over LMTP (queue path; Dovecot on tmpfs, mail_fsync=never)", LimitCases.LmtpSessions, LimitCases.LmtpRelay)
            with { Peer = Peers.FetchmailCases.Lmtp };
        yield return Drain(new Variant(LmtpTls, Tls: true, Lmtp: true),
            "as rpop-lmtp, fetching over POP3S", LimitCases.LmtpSessions, LimitCases.LmtpRelay);
        yield return Drain(new Variant(LmtpInFlight, Lmtp: true, InFlight: true),
            "as rpop-lmtp as the node runs it: each batch marked in flight (in memory) and each copy stamped with its delivery id",
            LimitCases.LmtpSessions, LimitCases.LmtpRelay);
        yield return new BenchmarkCase(LeaveRelist, false,
            "Leave mode, second poll of the same mailbox with nothing new: UIDL/LIST, skip every UID, QUIT",
            LimitCases.Pop3List, (run, count, ct) => RelistAsync(context, run, count, ct));
    }

    private static async Task<RunSample> DrainAsync(BenchContext context, Variant v, int run, int count, CancellationToken ct)
    {
        var user = $"{v.Name}-{run}-{count}";
        await context.EnsurePop3MailboxAsync(user, count, ct);
        var root = context.NewFolder(v.Name, v.Tmpfs);
        var account = $"{user}@local.example";
        await using var lmtp = v.Lmtp ? new LmtpQueueDelivery(new IPEndPoint(IPAddress.Loopback, context.Dovecot.LmtpPort), maxSessions: context.Options.LmtpSessions) : null;
        if (v.Lmtp)
        {
            account = $"sink-{user}@local.example";
            await context.Dovecot.AddUserAsync($"sink-{user}", BenchContext.Password, ct);
        }
        var maildir = new MaildirStore(root);
        try
        {
            var destination = new TimedDestination(new QueueDestination((IQueueDelivery?)lmtp ?? maildir, account));
            using var journal = new LedgerJournal(v.Journal ? Path.Combine(root, "ledger.journal") : null);
            RpopDrainResult? result = null;
            var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
            {
                await using var session = await Pop3Session.OpenAsync(SessionOptions(context, v.Tls), new Pop3Credentials(user, BenchContext.Password), null, ct);
                result = await RpopDrain.RunAsync(session, journal.Ledger, destination, v.Leave, MaxMessageSize, journal.CommitAsync, ct,
                    markInFlight: v.InFlight ? journal.MarkAsync : null);
            });
            if (result!.Delivered != count || result.Problem is not null)
                throw new InvalidOperationException($"{v.Name}: {result.Delivered} of {count} delivered ({result.Problem})");
            if (!v.Lmtp)
            {
                var files = Directory.EnumerateFiles(Path.Combine(maildir.AccountDirectory(account), "new")).Count();
                if (files != count) throw new InvalidOperationException($"{v.Name}: {files} files in the Maildir, {count} expected");
            }
            return new RunSample(elapsed, cpu, result.Delivered, result.Bytes, new Dictionary<string, TimeSpan>
            {
                ["POP3 session"] = elapsed - destination.Time - journal.Time,
                ["deliver"] = destination.Time,
                ["commit"] = journal.Time,
            });
        }
        finally
        {
            context.Discard(root);
        }
    }

    private static async Task<RunSample> RelistAsync(BenchContext context, int run, int count, CancellationToken ct)
    {
        var user = $"{LeaveRelist}-{run}-{count}";
        await context.EnsurePop3MailboxAsync(user, count, ct);
        var root = context.NewFolder(LeaveRelist, tmpfs: true);
        try
        {
            var destination = new QueueDestination(new MaildirStore(root), $"{user}@local.example");
            using var journal = new LedgerJournal(null);
            var credentials = new Pop3Credentials(user, BenchContext.Password);
            await using (var first = await Pop3Session.OpenAsync(SessionOptions(context, tls: false), credentials, null, ct))
            {
                var fetched = await RpopDrain.RunAsync(first, journal.Ledger, destination, leave: true, MaxMessageSize, journal.CommitAsync, ct);
                if (fetched.Delivered != count) throw new InvalidOperationException($"first Leave poll delivered {fetched.Delivered} of {count}");
            }
            RpopDrainResult? result = null;
            var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
            {
                await using var session = await Pop3Session.OpenAsync(SessionOptions(context, tls: false), credentials, null, ct);
                result = await RpopDrain.RunAsync(session, journal.Ledger, destination, leave: true, MaxMessageSize, journal.CommitAsync, ct);
            });
            if (result!.Delivered != 0) throw new InvalidOperationException($"the second Leave poll fetched {result.Delivered} messages again");
            return new RunSample(elapsed, cpu, count, 0, new Dictionary<string, TimeSpan>());
        }
        finally
        {
            context.Discard(root);
        }
    }

    internal static Pop3SessionOptions SessionOptions(BenchContext context, bool tls) => new()
    {
        Host = new HostAndPort(context.Dovecot.Host, tls ? context.Dovecot.Pop3sPort : context.Dovecot.Pop3Port),
        Tls = tls,
        CaFile = tls ? context.Dovecot.CaCertificatePath : null,
        MaxMessageSize = MaxMessageSize,
    };
}
