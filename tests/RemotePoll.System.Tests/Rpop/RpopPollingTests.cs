using System.Text;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// RPOP as an operator uses it: a real node polls the test Dovecot over POP3 (TLS trusted through --ca-file) and
/// delivers into the embedded Maildir; the CLI sets records, polls now and lists Last/Error. The tests share one node
/// and Dovecot, each with its own accounts and users.
/// </summary>
public sealed class RpopPollingTests(DovecotNode node) : RpopNodeTest(node), IClassFixture<DovecotNode>
{
    [Fact]
    public async Task Poll_now_drains_a_TLS_mailbox_into_the_inbox_and_Last_shows_the_time()
    {
        await Dovecot.AddUserAsync("alice", "secret-alice", Ct);
        for (var i = 0; i < 5; i++) await Dovecot.InjectAsync("alice", Message(i), cancellationToken: Ct);
        await SetRecord("local@example.com", "home", "alice", "--host", $"127.0.0.1:{Dovecot.Pop3sPort}", "--tls", "yes", "--every", "disabled");

        var poll = await Rpoll(null, "rpop", "poll", "local@example.com", "home", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains("5 messages", poll.StandardOutput);
        Assert.Equal(0, await Dovecot.CountAsync("alice", cancellationToken: Ct));
        var files = Delivered("local@example.com");
        Assert.Equal(5, files.Length);
        var texts = files.Select(File.ReadAllText).ToList();
        Assert.All(texts, t => Assert.Matches(@"^Return-Path: <sender\d@example\.org>\r\nDelivered-To: <?local@example\.com>?\r\n", t));
        Assert.Equal(5, texts.Select(t => t[t.IndexOf("Subject:", StringComparison.Ordinal)..]).Distinct().Count());

        var list = await Rpoll(null, "rpop", "list", "local@example.com");
        Assert.Matches(@"home\s+Disabled\s+alice\s+127\.0\.0\.1:\d+\s+no\s+no\s+yes\s+-\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", list.StandardOutput);
    }

    [Fact]
    public async Task Leave_keeps_messages_and_scheduled_polls_fetch_each_uid_once()
    {
        await Dovecot.AddUserAsync("bob", "secret-bob", Ct);
        for (var i = 0; i < 3; i++) await Dovecot.InjectAsync("bob", Message(i), cancellationToken: Ct);
        await SetRecord("keeper@example.com", "leave", "bob", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--leave", "yes", "--every", "2s");

        await WaitUntil(() => Delivered("keeper@example.com").Length == 3, "the first 3 messages");
        for (var i = 3; i < 5; i++) await Dovecot.InjectAsync("bob", Message(i), cancellationToken: Ct);
        await WaitUntil(() => Delivered("keeper@example.com").Length == 5, "the 2 new messages");
        await Task.Delay(TimeSpan.FromSeconds(5), Ct); // two more scheduled polls
        Assert.Equal(5, Delivered("keeper@example.com").Length);
        Assert.Equal(5, await Dovecot.CountAsync("bob", cancellationToken: Ct));
        var poll = await Rpoll(null, "rpop", "poll", "keeper@example.com", "leave", "--wait");
        Assert.Contains(": 0 messages", poll.StandardOutput);
    }

    [Fact]
    public async Task Wrong_password_is_reported_in_Last_and_nothing_is_touched()
    {
        await Dovecot.AddUserAsync("carol", "the-right-one", Ct);
        await Dovecot.InjectAsync("carol", Message(1), cancellationToken: Ct);
        await SetRecord("wrong@example.com", "home", "carol", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--every", "disabled");

        var poll = await Rpoll(null, "rpop", "poll", "wrong@example.com", "home", "--wait");
        Assert.Equal(4, poll.ExitCode); // the poll ran and failed (1 is a refusal by the cluster)
        Assert.Contains("AuthenticationFailed", poll.StandardOutput);
        Assert.DoesNotContain("secret-carol", poll.StandardOutput + Node.Log);
        Assert.Contains("AuthenticationFailed", (await Rpoll(null, "rpop", "list", "wrong@example.com")).StandardOutput);
        Assert.Equal(1, await Dovecot.CountAsync("carol", cancellationToken: Ct));
        Assert.Empty(Delivered("wrong@example.com"));
    }

    [Fact]
    public async Task Mailbox_stores_directly_in_the_named_folder()
    {
        await Dovecot.AddUserAsync("dave", "secret-dave", Ct);
        for (var i = 0; i < 2; i++) await Dovecot.InjectAsync("dave", Message(i), cancellationToken: Ct);
        await SetRecord("filer@example.com", "home", "dave", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--mailbox", "Remote/Home", "--every", "disabled");

        var poll = await Rpoll(null, "rpop", "poll", "filer@example.com", "home", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(2, Delivered("filer@example.com", ".Remote.Home").Length);
        Assert.Empty(Delivered("filer@example.com"));
    }

    [Fact]
    public async Task Imported_uids_are_not_fetched_again()
    {
        await Dovecot.AddUserAsync("erin", "secret-erin", Ct);
        for (var i = 0; i < 3; i++) await Dovecot.InjectAsync("erin", Message(i), cancellationToken: Ct);
        var uids = (await Dovecot.ListAsync("erin", cancellationToken: Ct)).Select(m => m.Uid).ToList();
        await SetRecord("migrated@example.com", "old", "erin", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--leave", "yes", "--every", "disabled");

        // Dovecot's POP3 UIDL is the IMAP UID and UIDVALIDITY (%08Xu%08Xv): ask it rather than guess.
        var seen = await UidlOf("erin", "secret-erin");
        var file = Path.Combine(Data, "rpopids-old");
        await File.WriteAllTextAsync(file, string.Join("\n", seen.Take(2)) + "\n", Ct);
        var import = await Rpoll(null, "rpop", "import-uids", "migrated@example.com", "old", file);
        Assert.True(import.ExitCode == 0, import.StandardError);

        var poll = await Rpoll(null, "rpop", "poll", "migrated@example.com", "old", "--wait");
        Assert.Contains(": 1 message,", poll.StandardOutput);
        Assert.Single(Delivered("migrated@example.com"));
        Assert.Equal(3, uids.Count);
    }

    [Fact]
    public async Task All_Info_traces_the_protocol_tagged_RPOLL_and_never_logs_the_password()
    {
        await Dovecot.AddUserAsync("trace", "secret-trace", Ct);
        await Dovecot.InjectAsync("trace", Message(1), cancellationToken: Ct);
        await SetRecord("traced@example.com", "t", "trace", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--every", "disabled");
        Assert.Equal(0, (await Rpoll(null, "module", "set", "log", "all-info")).ExitCode);

        // Every node picks the new level up within seconds; poll until the trace shows it did.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Node.Log.Contains("RPOLL traced@example.com/t: C: ", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Rpoll(null, "rpop", "poll", "traced@example.com", "t", "--wait");
            await Dovecot.InjectAsync("trace", Message(2), cancellationToken: Ct);
        }
        var log = Node.Log;
        Assert.Contains("RPOLL traced@example.com/t: C: USER ", log);
        Assert.Contains("RPOLL traced@example.com/t: C: PASS ********", log);
        Assert.Contains("RPOLL traced@example.com/t: S: +OK", log);
        Assert.Contains("RPOLL traced@example.com/t: C: RETR", log);
        Assert.Matches(@"RPOLL traced@example\.com/t: \d+ messages?, \d+ bytes? from 127\.0\.0\.1", log);
        Assert.DoesNotContain("secret-trace", log);
    }

    private async Task<List<string>> UidlOf(string user, string password)
    {
        using var client = new global::System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", Dovecot.Pop3Port, Ct);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, false);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await reader.ReadLineAsync(Ct);
        foreach (var c in new[] { $"USER {user}", $"PASS {password}" }) { await writer.WriteLineAsync(c); await reader.ReadLineAsync(Ct); }
        await writer.WriteLineAsync("UIDL");
        var uids = new List<string>();
        for (var line = await reader.ReadLineAsync(Ct); line is not null && line != "."; line = await reader.ReadLineAsync(Ct))
            if (!line.StartsWith('+')) uids.Add(line.Split(' ')[1]);
        await writer.WriteLineAsync("QUIT");
        return uids;
    }
}
