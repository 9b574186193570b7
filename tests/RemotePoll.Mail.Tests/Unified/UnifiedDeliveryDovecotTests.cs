using System.Net;
using System.Text;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Mail.Unified;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Unified;

/// <summary>
/// Unified Domain-Wide Accounts end to end in the mail layer: a real Dovecot holds the domain-wide mailbox (POP3)
/// and the local users (LMTP); the embedded Maildir store is the other target. Each test uses its own users.
/// </summary>
[Integration]
public sealed class UnifiedDeliveryDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>, IDisposable
{
    private readonly TempDirectory _maildirs = new();
    private readonly List<string> _log = [];
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];

    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private EndPoint Lmtp => new IPEndPoint(IPAddress.Loopback, Server.LmtpPort);

    public void Dispose() => _maildirs.Dispose();

    /// <summary>A Dovecot user named NAME plus this test's tag; returns its address in example.com.</summary>
    private async Task<string> UserAsync(string name)
    {
        await Server.AddUserAsync(name + _tag, "pw", Ct);
        return $"{name}{_tag}@example.com";
    }

    private static string Local(string address) => address[..address.IndexOf('@')];

    private async Task<string> RemoteAsync(params string[] messages)
    {
        var user = "remote" + _tag;
        await Server.AddUserAsync(user, "remote-pw", Ct);
        foreach (var m in messages) await Server.InjectAsync(user, m.ReplaceLineEndings("\r\n"), cancellationToken: Ct);
        return user;
    }

    private async Task<RpopDrainResult> PollAsync(string remote, string special, IQueueDelivery queue, UnifiedJournal journal,
        string postmaster, FailureReporter? reports = null, TimeProvider? clock = null, TimeSpan? window = null)
    {
        var request = new RpopPollRequest
        {
            Account = postmaster,
            Record = new RpopRecord("unified", PollPeriod.Default, remote, new HostAndPort(Server.Host, Server.Pop3Port),
                new SealedSecret("unused"), Special: special),
            Password = "remote-pw",
            Ledger = journal.Ledger,
            Unified = new UnifiedOptions
            {
                LocalDomains = new HashSet<string> { "example.com" },
                Ledger = journal.Unified,
                Commit = journal.CommitAsync,
                Reports = reports,
                Log = line => { lock (_log) _log.Add(line); },
                Clock = clock ?? TimeProvider.System,
                DuplicateWindow = window ?? TimeSpan.FromDays(1),
            },
        };
        var store = new MaildirStore(Path.Combine(_maildirs.Path, "store"));
        return await RpopPoll.RunAsync(request, queue, store, journal.CommitAsync, null, Ct);
    }

    private async Task<IReadOnlyList<string>> TextsAsync(string address) =>
        (await Server.ListAsync(Local(address), cancellationToken: Ct)).Select(m => m.Text).ToList();

    [Fact]
    public async Task X_Real_To_delivers_to_every_address_of_every_field_including_Bcc_only_ones_and_removes_the_field()
    {
        var (alice, bob, carol, pm) = (await UserAsync("alice"), await UserAsync("bob"), await UserAsync("carol"), await UserAsync("pm"));
        var remote = await RemoteAsync($"""
            Return-Path: <sender@remote.example>
            X-Real-To: {alice}
            X-Real-To: {bob},
             "Carol" <{carol}>
            From: sender@remote.example
            To: {alice}
            Message-ID: <xrt1@remote.example>
            Subject: for three

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);
        var journal = new UnifiedJournal();

        var result = await PollAsync(remote, "X-Real-To", lmtp, journal, pm);

        Assert.Null(result.Problem);
        Assert.Equal(1, result.Delivered);
        foreach (var user in new[] { alice, bob, carol })
        {
            var text = Assert.Single(await TextsAsync(user));
            Assert.DoesNotContain("X-Real-To", text, StringComparison.OrdinalIgnoreCase);
            // Return-Path became the envelope sender; Dovecot recreated the field at final delivery.
            Assert.Single(text.Split('\n'), l => l.StartsWith("Return-Path: <sender@remote.example>", StringComparison.Ordinal));
        }
        Assert.Empty(await TextsAsync(pm));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_null_Return_Path_stays_the_null_sender_and_a_missing_one_gives_none()
    {
        var (alice, pm) = (await UserAsync("alice"), await UserAsync("pm"));
        var remote = await RemoteAsync($"X-Real-To: {alice}\nReturn-Path: <>\nFrom: list@remote.example\nSubject: bounce\n\nHello.\n",
            $"X-Real-To: {alice}\nFrom: x@remote.example\nSubject: no return path\n\nHello.\n");
        await using var lmtp = new LmtpQueueDelivery(Lmtp);

        var result = await PollAsync(remote, "X-Real-To", lmtp, new UnifiedJournal(), pm);

        Assert.Null(result.Problem);
        var texts = await TextsAsync(alice);
        Assert.Equal(2, texts.Count);
        Assert.All(texts, t => Assert.Single(t.Split('\n'), l => l.StartsWith("Return-Path: <>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Star_delivers_only_to_existing_local_accounts_and_ignores_the_others_silently()
    {
        var (alice, pm) = (await UserAsync("alice"), await UserAsync("pm"));
        // outsider exists in Dovecot, but other.example is not a local domain: it routes elsewhere.
        await Server.AddUserAsync("outsider" + _tag, "pw", Ct);
        var remote = await RemoteAsync($"""
            From: sender@remote.example
            To: {alice}, outsider{_tag}@other.example
            Cc: ghost{_tag}@example.com
            Message-ID: <star1@remote.example>
            Subject: star

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);

        var result = await PollAsync(remote, "*", lmtp, new UnifiedJournal(), pm);

        Assert.Null(result.Problem);
        Assert.Single(await TextsAsync(alice));
        Assert.Empty(await TextsAsync("outsider" + _tag + "@x"));
        Assert.Empty(await TextsAsync(pm));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
        Assert.Empty(_log);
    }

    [Fact]
    public async Task Star_without_an_accepted_address_goes_to_postmaster()
    {
        var pm = await UserAsync("pm");
        var remote = await RemoteAsync($"""
            Return-Path: <sender@remote.example>
            From: sender@remote.example
            To: ghost{_tag}@example.com, someone@other.example
            Subject: nobody here

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);

        var result = await PollAsync(remote, "*", lmtp, new UnifiedJournal(), pm);

        Assert.Null(result.Problem);
        Assert.Contains("Subject: nobody here", Assert.Single(await TextsAsync(pm)));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
    }

    [Fact]
    public async Task Malformed_address_fields_send_the_message_to_postmaster_with_the_field_kept_and_say_so()
    {
        var (alice, pm) = (await UserAsync("alice"), await UserAsync("pm"));
        var remote = await RemoteAsync("""
            X-Real-To: <<<not an address>>>
            From: sender@remote.example
            Subject: garbled

            Hello.

            """, $"""
            X-Real-To: <<broken, {alice}
            From: sender@remote.example
            Subject: half readable

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);

        var result = await PollAsync(remote, "X-Real-To", lmtp, new UnifiedJournal(), pm);

        Assert.Null(result.Problem);
        Assert.Contains("X-Real-To: <<<not an address>>>", Assert.Single(await TextsAsync(pm)));
        Assert.Contains("Subject: half readable", Assert.Single(await TextsAsync(alice)));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
        Assert.Contains(_log, l => l.Contains("unreadable addresses in X-Real-To", StringComparison.Ordinal) && l.Contains("<<<not an address>>>", StringComparison.Ordinal));
        Assert.Contains(_log, l => l.Contains($"goes to {pm}", StringComparison.Ordinal));
    }

    private static string Copy(string trace, string to, string id) => $"""
        Return-Path: <sender@remote.example>
        Received: by provider for {trace}
        Delivered-To: {trace}
        From: sender@remote.example
        To: {to}
        Message-ID: <{id}@remote.example>
        Date: Sat, 1 Mar 2025 12:00:00 +0000
        Subject: copies

        Hello.

        """;

    [Fact]
    public async Task Copies_stored_once_per_recipient_reach_each_user_once_across_polls_within_the_window()
    {
        var (alice, bob, pm) = (await UserAsync("alice"), await UserAsync("bob"), await UserAsync("pm"));
        var to = $"{alice}, {bob}";
        var remote = await RemoteAsync(Copy(alice, to, "dup1"), Copy(bob, to, "dup1"));
        await using var lmtp = new LmtpQueueDelivery(Lmtp);
        var journal = new UnifiedJournal();
        var clock = new SteppedClock(DateTimeOffset.UtcNow);

        Assert.Null((await PollAsync(remote, "*", lmtp, journal, pm, clock: clock)).Problem);
        Assert.Single(await TextsAsync(alice));
        Assert.Single(await TextsAsync(bob));

        // A third copy arrives later, within the window: nobody gets it again, and it is removed from the server.
        clock.Advance(TimeSpan.FromHours(23));
        await Server.InjectAsync(remote, Copy("late", to, "dup1").ReplaceLineEndings("\r\n"), cancellationToken: Ct);
        Assert.Null((await PollAsync(remote, "*", lmtp, journal, pm, clock: clock)).Problem);
        Assert.Single(await TextsAsync(alice));
        Assert.Single(await TextsAsync(bob));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));

        // After the window the same Message-ID is a new delivery.
        clock.Advance(TimeSpan.FromHours(2));
        await Server.InjectAsync(remote, Copy("later", to, "dup1").ReplaceLineEndings("\r\n"), cancellationToken: Ct);
        Assert.Null((await PollAsync(remote, "*", lmtp, journal, pm, clock: clock)).Problem);
        Assert.Equal(2, (await TextsAsync(alice)).Count);
    }

    [Fact]
    public async Task A_partial_temporary_failure_keeps_the_message_and_the_next_poll_delivers_only_to_the_rest()
    {
        var root = Path.Combine(_maildirs.Path, "embedded");
        var store = new MaildirStore(root);
        const string alice = "alice@example.com", bob = "bob@example.com";
        // Both have mailboxes (the embedded store makes none for addresses a message names); bob's tmp/ leads to /proc,
        // where no file can be created, not even by root (a temporary local failure).
        await store.EnsureFolderAsync(alice, MailboxPath.Inbox, Ct);
        await store.EnsureFolderAsync(bob, MailboxPath.Inbox, Ct);
        var blocker = Path.Combine(store.AccountDirectory(bob), "tmp");
        Directory.Delete(blocker);
        Directory.CreateSymbolicLink(blocker, "/proc");
        var remote = await RemoteAsync($"""
            X-Real-To: {alice}, {bob}
            From: sender@remote.example
            Message-ID: <partial@remote.example>
            Subject: partial

            Hello.

            """);
        var journal = new UnifiedJournal();

        var first = await PollAsync(remote, "X-Real-To", store, journal, "postmaster@example.com");

        Assert.Equal("LocalDeliveryFailed", first.ProblemKind?.ToString());
        Assert.Equal(1, await Server.CountAsync(remote, cancellationToken: Ct));
        Assert.Single(Directory.GetFiles(Path.Combine(store.AccountDirectory(alice), "new")));

        File.Delete(blocker);
        Directory.CreateDirectory(blocker);
        var second = await PollAsync(remote, "X-Real-To", store, journal, "postmaster@example.com");

        Assert.Null(second.Problem);
        Assert.Single(Directory.GetFiles(Path.Combine(store.AccountDirectory(alice), "new")));
        Assert.Single(Directory.GetFiles(Path.Combine(store.AccountDirectory(bob), "new")));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_refused_report_on_failure_recipient_gets_an_RFC_3464_report_to_the_sender_through_the_relay()
    {
        var (alice, sender, pm) = (await UserAsync("alice"), await UserAsync("sender"), await UserAsync("pm"));
        var remote = await RemoteAsync($"""
            Return-Path: <{sender}>
            X-Real-To: {alice}, nobody{_tag}@example.com
            From: {sender}
            Message-ID: <dsn1@remote.example>
            Subject: half refused

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);
        // Dovecot's LMTP does not advertise DSN, so RemotePoll reports; the relay here is Dovecot's LMTP too.
        await using var relay = new LmtpQueueDelivery(Lmtp);
        var reports = new FailureReporter(relay, "rpoll.test", pm);
        var journal = new UnifiedJournal();

        var result = await PollAsync(remote, "X-Real-To", lmtp, journal, pm, reports);

        Assert.True(_log.Any(l => l.Contains("failure report", StringComparison.Ordinal) && l.Contains("sent", StringComparison.Ordinal)), string.Join("\n", _log));
        Assert.False(lmtp.AdvertisesDsn);
        Assert.Null(result.Problem);
        Assert.Single(await TextsAsync(alice));
        var report = Assert.Single(await TextsAsync(sender));
        Assert.Contains("multipart/report", report);
        Assert.Contains("report-type=delivery-status", report);
        Assert.Contains($"Final-Recipient: rfc822; nobody{_tag}@example.com", report);
        Assert.Contains("Status: 5.1.1", report);
        Assert.Contains("Subject: half refused", report);
        Assert.Contains("Return-Path: <>", report);
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));

        // Polling again sends no second report (nothing left, and the refusal is recorded as done).
        await PollAsync(remote, "X-Real-To", lmtp, journal, pm, reports);
        Assert.Single(await TextsAsync(sender));
    }

    [Fact]
    public async Task A_star_recipient_refused_after_it_was_accepted_gets_no_failure_report()
    {
        var (alice, sender, pm) = (await UserAsync("alice"), await UserAsync("sender"), await UserAsync("pm"));
        var gone = $"gone{_tag}@example.com";
        var remote = await RemoteAsync($"""
            Return-Path: <{sender}>
            From: {sender}
            To: {alice}, {gone}
            Message-ID: <never1@remote.example>
            Subject: star refused

            Hello.

            """);
        // The account "gone" passes RCPT verification and is removed before the delivery, which Dovecot then refuses
        // for good (5.1.1): a "do not report failures" recipient, so the relay must not get a report for it.
        await using var lmtp = new LmtpQueueDelivery(Lmtp);
        await using var relay = new LmtpQueueDelivery(Lmtp);
        var queue = new VerifiedThenGone(lmtp, gone);

        var result = await PollAsync(remote, "*", queue, new UnifiedJournal(), pm, new FailureReporter(relay, "rpoll.test", pm));

        Assert.True(queue.Verified, "the vanished account was accepted at RCPT verification");
        Assert.Null(result.Problem);
        Assert.Single(await TextsAsync(alice));
        Assert.Empty(await TextsAsync(sender));
        Assert.Empty(await TextsAsync(pm));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
        Assert.DoesNotContain(_log, l => l.Contains("failure report", StringComparison.Ordinal) && l.Contains("sent", StringComparison.Ordinal));
    }

    /// <summary>The real LMTP target, except that <paramref name="vanished"/> passes RCPT verification (it existed then).</summary>
    private sealed class VerifiedThenGone(IQueueDelivery inner, string vanished) : IQueueDelivery
    {
        public bool Verified { get; private set; }
        public bool AdvertisesDsn => inner.AdvertisesDsn;

        public Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken) =>
            inner.DeliverBatchAsync(batch, cancellationToken);

        public Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken)
        {
            if (!string.Equals(address, vanished, StringComparison.OrdinalIgnoreCase)) return inner.AcceptsRecipientAsync(address, cancellationToken);
            Verified = true;
            return Task.FromResult(true);
        }
    }

    [Fact]
    public async Task Without_a_relay_a_message_refused_for_all_its_recipients_stays_on_the_server_and_the_refusal_is_logged()
    {
        var pm = await UserAsync("pm");
        var remote = await RemoteAsync($"""
            Return-Path: <sender@remote.example>
            X-Real-To: nobody{_tag}@example.com
            From: sender@remote.example
            Subject: refused

            Hello.

            """);
        await using var lmtp = new LmtpQueueDelivery(Lmtp);

        var result = await PollAsync(remote, "X-Real-To", lmtp, new UnifiedJournal(), pm);

        Assert.Equal("LocalDeliveryFailed", result.ProblemKind?.ToString());
        Assert.Contains("5.1.1", result.Problem);
        Assert.Equal(1, await Server.CountAsync(remote, cancellationToken: Ct));
        Assert.Contains(_log, l => l.Contains("no remotepoll.report-relay is configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task X_Real_To_outside_the_accounts_domain_is_not_delivered_and_creates_no_mailbox()
    {
        var root = Path.Combine(_maildirs.Path, "tenants");
        var store = new MaildirStore(root);
        const string alice = "alice@example.com";
        await store.EnsureFolderAsync(alice, MailboxPath.Inbox, Ct);
        var remote = await RemoteAsync($"""
            Return-Path: <ceo@b.com>
            X-Real-To: ceo@b.com, {alice}, ghost@example.com
            From: ceo@b.com
            Message-ID: <tenant@remote.example>
            Subject: wire the money

            Hello.

            """);

        var result = await PollAsync(remote, "X-Real-To", store, new UnifiedJournal(), "postmaster@example.com");

        Assert.Null(result.Problem);
        Assert.Single(Directory.GetFiles(Path.Combine(store.AccountDirectory(alice), "new")));
        Assert.False(Directory.Exists(Path.Combine(root, "b.com")), "a mailbox was made in another domain");
        Assert.False(Directory.Exists(Path.GetDirectoryName(store.AccountDirectory("ghost@example.com"))), "a mailbox was made for an address without one");
        lock (_log) Assert.Contains(_log, l => l.Contains("outside the account's domain not delivered: ceo@b.com", StringComparison.Ordinal));
        Assert.Equal(0, await Server.CountAsync(remote, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_fan_out_to_many_recipients_shares_the_bounded_LMTP_sessions_and_each_gets_each_message_once()
    {
        var users = new List<string>();
        for (var u = 0; u < 6; u++) users.Add(await UserAsync($"fan{u}"));
        var pm = await UserAsync("pm");
        var remote = await RemoteAsync(Enumerable.Range(1, 12).Select(i =>
            $"Return-Path: <sender@remote.example>\nFrom: sender@remote.example\nTo: {string.Join(", ", users)}\nMessage-ID: <fan{i}.{_tag}@remote.example>\nSubject: fan {i}\n\nHello {i}.\n").ToArray());
        await using var proxy = RemotePoll.Testing.Net.TcpProxy.Start(Server.Host, Server.LmtpPort);
        await using var lmtp = new LmtpQueueDelivery(new IPEndPoint(IPAddress.Parse(proxy.Host), proxy.Port), maxSessions: 3);

        var result = await PollAsync(remote, "*", lmtp, new UnifiedJournal(), pm);

        Assert.Null(result.Problem);
        Assert.Equal(12, result.Delivered);
        foreach (var user in users)
            Assert.Equal(Enumerable.Range(1, 12).Select(i => $"fan {i}").Order(StringComparer.Ordinal),
                (await Server.ListAsync(Local(user), cancellationToken: Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Empty(await TextsAsync(pm));
        // 72 recipients and their RCPT checks, over at most the three sessions of the bound.
        Assert.InRange(proxy.TotalConnections, 1, 3);
        Assert.InRange(proxy.PeakConnections, 1, 3);
    }
}
