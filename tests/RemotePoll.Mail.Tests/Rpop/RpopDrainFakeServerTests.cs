using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;
using HostilePop3Server = RemotePoll.Mail.Tests.Pop3.HostilePop3Server;
using MaildirStore = RemotePoll.Mail.Delivery.MaildirStore;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// The drain against a POP3 server without UIDL, which Dovecot cannot be made into: Leave is refused, and delete
/// mode recognises a message delivered before a lost QUIT by its content.
/// </summary>
public sealed class RpopDrainFakeServerTests : IDisposable
{
    private const string Account = "alice@example.com";
    private readonly TempDirectory _maildirs = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    private static string Pop3Message(string id) =>
        $"From: sender@remote.example\r\nSubject: {id}\r\nMessage-ID: <{id}@remote.example>\r\n\r\nBody of {id}.\r\n.dot line\r\n";

    private static async Task<RpopDrainResult> DrainAsync(HostilePop3Server server, LedgerJournal journal, IMessageDestination destination,
        bool leave, IProtocolLog? log = null, bool reopen = false)
    {
        var options = new Pop3SessionOptions
        {
            Host = new HostAndPort("127.0.0.1", server.Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials("joe", "secret"), log, Ct);
        return await RpopDrain.RunAsync(session, journal.Ledger, destination, leave, 1024 * 1024, journal.CommitAsync, Ct,
            reopen: reopen ? t => Pop3Session.OpenAsync(options, new Pop3Credentials("joe", "secret"), log, t) : null);
    }

    /// <summary>
    /// A maildrop that really deletes: DELE marks, QUIT removes the marked messages, a connection that ends without
    /// QUIT keeps them. The first <paramref name="brokenQuits"/> sessions are cut off when QUIT arrives; with
    /// <paramref name="quitAnswerLost"/> they commit the deletions first (only the answer to QUIT is lost).
    /// </summary>
    private static HostilePop3Server DeletingServer(Maildrop drop, int brokenQuits, bool quitAnswerLost = false, bool unstuffed = false)
    {
        var sessions = 0;
        return new HostilePop3Server(c =>
        {
            var broken = Interlocked.Increment(ref sessions) <= brokenQuits;
            var marked = new HashSet<int>();
            return ServeAsync(c, drop, async line =>
            {
                if (unstuffed && line.StartsWith("RETR ", StringComparison.Ordinal))
                {
                    // The message as stored, without dot-stuffing: a "." line in it ends the answer early.
                    await c.SendAsync("+OK\r\n" + drop.Messages[int.Parse(line[5..]) - 1] + ".\r\n");
                    return true;
                }
                if (line.StartsWith("DELE ", StringComparison.Ordinal))
                {
                    marked.Add(int.Parse(line[5..]) - 1);
                    await c.SendAsync("+OK deleted\r\n");
                    return true;
                }
                if (line != "QUIT") return false;
                if (broken)
                {
                    if (quitAnswerLost) foreach (var i in marked.OrderDescending()) drop.Messages.RemoveAt(i);
                    c.Abort();
                    return true;
                }
                foreach (var i in marked.OrderDescending()) drop.Messages.RemoveAt(i);
                await c.SendAsync("+OK bye\r\n");
                return true;
            });
        });
    }

    [Fact]
    public async Task Leave_against_a_server_without_UIDL_is_a_ProtocolError_and_nothing_is_retrieved()
    {
        var drop = new Maildrop { Uidl = false, Capabilities = ["USER", "PIPELINING"], Messages = [Pop3Message("a"), Pop3Message("b")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));
        var journal = new LedgerJournal();
        var store = new MaildirStore(_maildirs.Path);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => DrainAsync(server, journal, new QueueDestination(store, Account), leave: true));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.Contains("UIDL", error.Message);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("RETR", StringComparison.Ordinal) || l.StartsWith("DELE", StringComparison.Ordinal));
        Assert.Empty(journal.Commits);
    }

    [Fact]
    public async Task Without_UIDL_a_message_delivered_before_a_lost_QUIT_is_recognised_by_its_content_and_only_deleted()
    {
        var ids = new[] { "a", "b", "c" };
        var drop = new Maildrop { Uidl = false, Capabilities = ["USER", "PIPELINING"], Messages = [.. ids.Select(Pop3Message)] };
        await using var server = DeletingServer(drop, brokenQuits: 1);
        var journal = new LedgerJournal();
        var store = new MaildirStore(_maildirs.Path);
        var destination = new QueueDestination(store, Account);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => DrainAsync(server, journal, destination, leave: false));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.Equal(3, journal.Ledger.Delivered.Count);
        Assert.All(journal.Ledger.Delivered, uid => Assert.StartsWith(RpopDrain.ContentUidPrefix, uid));
        Assert.Equal(3, drop.Messages.Count);

        // New mail arrives before the next poll; it is delivered, the three old ones are only deleted.
        drop.Messages.Insert(1, Pop3Message("d"));
        var result = await DrainAsync(server, journal, destination, leave: false);

        Assert.Equal(1, result.Delivered);
        Assert.Equal(0, result.LeftOnServer);
        Assert.Null(result.ProblemKind);
        Assert.Empty(drop.Messages);
        var stored = Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new"))
            .Select(f => RemoteMessage.IdOf(File.ReadAllText(f))).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "b", "c", "d"], stored);
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }

    [Theory]
    [InlineData("an unstuffed dot line\r\n.\r\nand the rest of it")]
    [InlineData("a bare line feed dot\n.\nand the rest of it")]
    public async Task A_malformed_message_is_left_on_the_server_with_a_note_while_the_rest_of_its_pipelined_batch_is_delivered(string body)
    {
        // DotStuff stuffs CRLF lines only: the "." line of the first case is sent unstuffed on purpose, the second has no CR.
        var malformed = $"From: sender@remote.example\r\nSubject: bad\r\nMessage-ID: <bad@remote.example>\r\n\r\n{body}\r\n";
        var drop = new Maildrop { Messages = [Pop3Message("a"), malformed, Pop3Message("c")] };
        await using var server = DeletingServer(drop, brokenQuits: 0, unstuffed: true);
        var journal = new LedgerJournal();
        var store = new MaildirStore(_maildirs.Path);
        var destination = new QueueDestination(store, Account);

        var result = await DrainAsync(server, journal, destination, leave: false, reopen: true);

        Assert.Equal(2, result.Delivered);
        Assert.Equal(1, result.LeftOnServer);
        Assert.Equal(PollErrorKind.ProtocolError, result.ProblemKind);
        Assert.Contains("message 2 (UID uid-2) is malformed", result.Problem);
        Assert.StartsWith("1 malformed message left on the server: ", result.Problem); // one message, not "1 ... messages"
        Assert.DoesNotContain("the rest of it", result.Problem); // mail content never in Error
        Assert.Equal([malformed], drop.Messages);
        Assert.Equal(["uid-1", "uid-3"], journal.Commits.SelectMany(c => c.Delivered).Order(StringComparer.Ordinal));
        Assert.Empty(journal.Ledger.Delivered); // deleted by the final QUIT, so pruned

        // It does not block the record: the next poll delivers what came since and leaves it again.
        drop.Messages.Add(Pop3Message("d"));
        var next = await DrainAsync(server, journal, destination, leave: false, reopen: true);

        Assert.Equal(1, next.Delivered);
        Assert.Contains("is malformed", next.Problem);
        Assert.Equal([malformed], drop.Messages);
        var stored = Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new"))
            .Select(f => RemoteMessage.IdOf(File.ReadAllText(f))).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "c", "d"], stored);
    }

    [Fact]
    public async Task A_UIDL_reused_for_a_new_message_after_a_lost_QUIT_answer_is_retrieved_and_delivered_not_deleted_unread()
    {
        // The scripted server names messages uid-1, uid-2... by position, so the next message after the first is gone
        // gets uid-1 again, as a server that reuses UIDLs does.
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = DeletingServer(drop, brokenQuits: 1, quitAnswerLost: true);
        var journal = new LedgerJournal();
        var store = new MaildirStore(_maildirs.Path);
        var destination = new QueueDestination(store, Account);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => DrainAsync(server, journal, destination, leave: false));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.Equal(["uid-1"], journal.Ledger.Delivered);
        Assert.Empty(drop.Messages);

        drop.Messages.Add(Pop3Message("the-new-message"));
        var before = server.Received.Count;
        var result = await DrainAsync(server, journal, destination, leave: false);

        Assert.Contains("RETR 1", server.Received.Skip(before));
        Assert.Equal(1, result.Delivered);
        Assert.Empty(drop.Messages);
        var stored = Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new"))
            .Select(f => RemoteMessage.IdOf(File.ReadAllText(f))).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "the-new-message"], stored);
    }

    [Fact]
    public async Task Leave_retrieves_a_new_message_under_a_reused_UIDL_instead_of_skipping_it_for_good()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));
        var journal = new LedgerJournal();
        var store = new MaildirStore(_maildirs.Path);
        var destination = new QueueDestination(store, Account);
        Assert.Equal(1, (await DrainAsync(server, journal, destination, leave: true)).Delivered);

        // Another client removes "a"; the next message takes its place and its UIDL (uid-1).
        drop.Messages.RemoveAt(0);
        drop.Messages.Add(Pop3Message("c-is-new"));
        var result = await DrainAsync(server, journal, destination, leave: true);
        var again = await DrainAsync(server, journal, destination, leave: true);

        Assert.Equal(1, result.Delivered);
        Assert.Equal(0, again.Delivered);
        var stored = Directory.GetFiles(Path.Combine(store.AccountDirectory(Account), "new"))
            .Select(f => RemoteMessage.IdOf(File.ReadAllText(f))).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "c-is-new"], stored);
    }

    [Fact]
    public async Task Without_UIDL_a_content_hash_no_longer_on_the_server_is_pruned_once_every_message_was_read()
    {
        var drop = new Maildrop { Uidl = false, Capabilities = ["USER", "PIPELINING"], Messages = [Pop3Message("e")] };
        await using var server = DeletingServer(drop, brokenQuits: 0);
        var journal = new LedgerJournal();
        var stale = RpopDrain.ContentUidPrefix + new string('0', 64);
        await journal.CommitAsync(new LedgerChange([stale], [], []), Ct);

        var result = await DrainAsync(server, journal, new QueueDestination(new MaildirStore(_maildirs.Path), Account), leave: false);

        Assert.Equal(1, result.Delivered);
        Assert.Empty(drop.Messages);
        Assert.Equal(UidLedger.Empty, journal.Ledger);
    }
}
