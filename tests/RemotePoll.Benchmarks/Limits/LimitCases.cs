namespace RemotePoll.Benchmarks.Limits;

/// <summary>
/// The limits: what the minimal POP3 and IMAP clients reach in this run, writing each message to its own file on
/// the disk with each durability (and on tmpfs: the client and Dovecot alone). The POP3 ones read one
/// mailbox of N messages (never changed: no DELE, no flag updates); the IMAP ones read the same N split over the
/// folders.
/// </summary>
internal static class LimitCases
{
    public const string Pop3List = "pop3-limit-list";
    public const string Pop3Tmpfs = "pop3-limit-tmpfs";
    public const string Pop3None = "pop3-limit-nofsync";
    public const string Pop3FsyncEach = "pop3-limit-fsync-each";
    public const string Pop3FsyncBatch = "pop3-limit-fsync-batch";
    public const string Pop3SyncfsBatch = "pop3-limit-syncfs-batch";
    public const string Pop3TlsFsyncBatch = "pop3-limit-tls-fsync-batch";
    public const string ImapNone = "imap-limit-nofsync";
    public const string ImapFsyncEach = "imap-limit-fsync-each";
    public const string ImapFsyncBatch = "imap-limit-fsync-batch";
    public const string ImapSyncfsBatch = "imap-limit-syncfs-batch";
    public const string ImapTmpfs = "imap-limit-tmpfs";
    public const string ImapAppend = "imap-limit-append";
    public const string LmtpOne = "lmtp-limit-1";
    public const string LmtpSessions = "lmtp-limit-sessions";
    public const string LmtpRelay = "lmtp-limit-relay";

    private const string Pop3User = "limitpop";
    private const string ImapUser = "limitimap";

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        var batch = context.Options.BatchSize;
        yield return new BenchmarkCase(Pop3List, true,
            "POP3 USER/PASS, UIDL, LIST, QUIT: what a poll with nothing new must do", null,
            (run, count, ct) => ListAsync(context, ct));
        yield return Pop3(context, Pop3Tmpfs, FileDurability.None, "POP3 pipelined RETR, a file per message on tmpfs (no disk at all)", tmpfs: true);
        yield return Pop3(context, Pop3None, FileDurability.None, "POP3 pipelined RETR, write(2) per message, no fsync");
        yield return Pop3(context, Pop3FsyncEach, FileDurability.FsyncEach, "POP3 pipelined RETR, fsync of each file");
        yield return Pop3(context, Pop3FsyncBatch, FileDurability.FsyncBatch,
            $"POP3 pipelined RETR, one barrier per {batch}: fsync the batch's files, then the directory (the durable limit)");
        yield return Pop3(context, Pop3SyncfsBatch, FileDurability.SyncfsBatch,
            $"POP3 pipelined RETR, one syncfs(2) per {batch} (one device flush per batch; informative)");
        yield return Pop3(context, Pop3TlsFsyncBatch, FileDurability.FsyncBatch,
            $"as {Pop3FsyncBatch} over POP3S (.NET SslStream): what TLS costs the server and a minimal client", tls: true);
        yield return Imap(context, ImapNone, FileDurability.None, "IMAP UID FETCH 1:* (BODY.PEEK[]) per folder, no fsync");
        yield return Imap(context, ImapFsyncEach, FileDurability.FsyncEach, "IMAP UID FETCH 1:* per folder, fsync of each file");
        yield return Imap(context, ImapFsyncBatch, FileDurability.FsyncBatch,
            $"IMAP UID FETCH 1:* per folder, fsync barrier per {batch} (the durable RIMAP limit)");
        yield return Imap(context, ImapSyncfsBatch, FileDurability.SyncfsBatch,
            $"IMAP UID FETCH 1:* per folder, one syncfs(2) per {batch} (one device flush per batch)");
        yield return Imap(context, ImapTmpfs, FileDurability.None, "IMAP UID FETCH 1:* per folder, files on tmpfs (no disk at all)", tmpfs: true);
        yield return new BenchmarkCase(ImapAppend, true,
            "minimal IMAP store: LOGIN as the master user, per folder CREATE and every APPEND at once with LITERAL+, into a fresh user", null,
            async (run, count, ct) =>
            {
                var options = context.Options;
                var perFolder = Math.Max(1, count / options.Folders);
                var user = $"{ImapAppend}-{run}-{count}";
                await context.Dovecot.AddUserAsync(user, BenchContext.Password, ct);
                var folders = context.ImapFolders.Select(f => (f, (IReadOnlyList<byte[]>)Corpus.Messages($"{user}.{f}", perFolder, options.Size).ToList())).ToList();
                var (elapsed, cpu) = await BenchContext.MeasureAsync(() => ImapAppendClient.AppendFoldersAsync(context.Dovecot.Host,
                    context.Dovecot.ImapPort, context.Dovecot.MasterLogin(user), context.Dovecot.MasterPassword, folders, ct));
                var stored = await context.CountFoldersAsync(user, ct);
                if (stored != perFolder * options.Folders) throw new InvalidOperationException($"{ImapAppend}: {stored} stored");
                return new RunSample(elapsed, cpu, stored, folders.Sum(f => f.Item2.Sum(m => (long)m.Length)), new Dictionary<string, TimeSpan>());
            });
        yield return Lmtp(context, LmtpOne, 1, "minimal LMTP: MAIL/RCPT/DATA pipelined, content, dot, one message after the other on one session");
        yield return Lmtp(context, LmtpSessions, context.Options.LmtpSessions,
            $"the same over {context.Options.LmtpSessions} sessions at once, each taking the next message (the N-session LMTP limit)");
        yield return new BenchmarkCase(LmtpRelay, true,
            $"minimal POP3 (pipelined RETR) feeding {context.Options.LmtpSessions} minimal LMTP sessions as messages arrive: the POP3-to-LMTP limit",
            null, (run, count, ct) => RelayAsync(context, run, count, ct));
    }

    /// <summary>Delivers the corpus into a fresh Dovecot user per run (made before the clock starts), as rpop-lmtp does.</summary>
    private static BenchmarkCase Lmtp(BenchContext context, string name, int sessions, string description) =>
        new(name, true, description, null, async (run, count, ct) =>
        {
            var user = $"{name}-{run}-{count}";
            await context.Dovecot.AddUserAsync(user, BenchContext.Password, ct);
            var messages = Corpus.Messages(user, count, context.Options.Size).ToList();
            var (elapsed, cpu) = await BenchContext.MeasureAsync(() => LmtpMinimalClient.DeliverAllAsync(
                context.Dovecot.Host, context.Dovecot.LmtpPort, $"{user}@local.example", messages, sessions, ct));
            return new RunSample(elapsed, cpu, count, messages.Sum(m => (long)m.Length), new Dictionary<string, TimeSpan>());
        });

    /// <summary>Reads the limit mailbox over POP3 and delivers each message over LMTP as it arrives (a fresh user per run).</summary>
    private static async Task<RunSample> RelayAsync(BenchContext context, int run, int count, CancellationToken ct)
    {
        await context.EnsurePop3MailboxAsync(Pop3User, context.Options.Messages, ct);
        var user = $"{LmtpRelay}-{run}-{count}";
        await context.Dovecot.AddUserAsync(user, BenchContext.Password, ct);
        var relay = new RelaySink();
        var (elapsed, cpu) = await BenchContext.MeasureAsync(() => Task.WhenAll(
            Pop3PipelinedClient.RetrieveAllAsync(context.Dovecot.Host, context.Dovecot.Pop3Port, Pop3User, BenchContext.Password, count,
                relay, ct),
            LmtpMinimalClient.DeliverAllAsync(context.Dovecot.Host, context.Dovecot.LmtpPort, $"{user}@local.example", relay.Reader,
                context.Options.LmtpSessions, ct)));
        return new RunSample(elapsed, cpu, count, relay.Bytes, new Dictionary<string, TimeSpan>());
    }

    private static BenchmarkCase Pop3(BenchContext context, string name, FileDurability durability, string description,
        bool tmpfs = false, bool tls = false) =>
        new(name, true, description, null, async (run, count, ct) =>
        {
            var options = context.Options;
            await context.EnsurePop3MailboxAsync(Pop3User, options.Messages, ct);
            var folder = context.NewFolder(name, tmpfs);
            try
            {
                using var sink = new MessageFileSink(folder, durability, options.BatchSize);
                var (elapsed, cpu) = await BenchContext.MeasureAsync(() => Pop3PipelinedClient.RetrieveAllAsync(
                    context.Dovecot.Host, tls ? context.Dovecot.Pop3sPort : context.Dovecot.Pop3Port, Pop3User, BenchContext.Password,
                    count, sink, ct, tls ? context.Dovecot.CaCertificate : null));
                return Sample(elapsed, cpu, sink, count);
            }
            finally
            {
                context.Discard(folder);
            }
        });

    private static BenchmarkCase Imap(BenchContext context, string name, FileDurability durability, string description, bool tmpfs = false) =>
        new(name, true, description, null, async (run, count, ct) =>
        {
            var options = context.Options;
            var full = options.Messages / options.Folders;
            await context.EnsureImapFoldersAsync(ImapUser, full, ct);
            var perFolder = Math.Max(1, count / options.Folders);
            var folder = context.NewFolder(name, tmpfs);
            try
            {
                using var sink = new MessageFileSink(folder, durability, options.BatchSize);
                var (elapsed, cpu) = await BenchContext.MeasureAsync(() => ImapFetchClient.FetchFoldersAsync(
                    context.Dovecot.Host, context.Dovecot.ImapPort, ImapUser, BenchContext.Password, context.ImapFolders,
                    perFolder == full ? "1:*" : $"1:{perFolder}", sink, ct));
                return Sample(elapsed, cpu, sink, perFolder * options.Folders);
            }
            finally
            {
                context.Discard(folder);
            }
        });

    private static async Task<RunSample> ListAsync(BenchContext context, CancellationToken ct)
    {
        await context.EnsurePop3MailboxAsync(Pop3User, context.Options.Messages, ct);
        var listed = 0;
        var (elapsed, cpu) = await BenchContext.MeasureAsync(async () =>
            listed = await Pop3PipelinedClient.ListAsync(context.Dovecot.Host, context.Dovecot.Pop3Port, Pop3User, BenchContext.Password, ct));
        return new RunSample(elapsed, cpu, listed, 0, new Dictionary<string, TimeSpan>());
    }

    private static RunSample Sample(TimeSpan elapsed, TimeSpan cpu, MessageFileSink sink, int expected)
    {
        if (sink.Messages != expected) throw new InvalidOperationException($"{sink.Messages} messages received, {expected} expected");
        var disk = sink.WriteTime + sink.SyncTime;
        return new RunSample(elapsed, cpu, sink.Messages, sink.Bytes, new Dictionary<string, TimeSpan>
        {
            ["network"] = elapsed - disk,
            ["write"] = sink.WriteTime,
            ["fsync"] = sink.SyncTime,
        });
    }
}
