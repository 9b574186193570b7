using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;
using HostilePop3Server = RemotePoll.Mail.Tests.Pop3.HostilePop3Server;
using MaildirStore = RemotePoll.Mail.Delivery.MaildirStore;

namespace RemotePoll.Mail.Tests.Rpop;

/// <summary>
/// RFC 6856 against a server that replays Courier's exchange (Dovecot 2.3 has no POP3 UTF8): CAPA advertises
/// <c>UTF8 USER</c>, and RETR of a message with UTF-8 headers serves Courier's notice ("Cannot display Unicode
/// content", the original attached as message/global) unless the client sent <c>UTF8</c>.
/// </summary>
public sealed class RpopUtf8FakeServerTests : IDisposable
{
    private const string Account = "alice@example.com";
    private static readonly string[] CourierCapabilities =
        ["STLS", "TOP", "USER", "LOGIN-DELAY 10", "PIPELINING", "UIDL", "IMPLEMENTATION Courier Mail Server", "UTF8 USER"];

    // Raw UTF-8 header bytes, carried as a Latin-1 string by the scripted server.
    private static readonly byte[] Original = Encoding.UTF8.GetBytes(
        "From: Jörg <jörg@bücher.example>\r\nTo: alice@example.com\r\nSubject: Grüße aus Köln\r\nMessage-ID: <utf8@bücher.example>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDer Inhalt.\r\n");

    private static readonly string Notice =
        "From: Courier mail server at pop.example <@>\r\nSubject: Cannot display Unicode content\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"=_courier-1\"\r\n\r\n--=_courier-1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
        "This E-mail message was determined to be Unicode-formatted\r\nbut your E-mail reader does not support Unicode E-mail.\r\n\r\n" +
        "--=_courier-1\r\nContent-Type: message/global\r\n\r\n" + Encoding.Latin1.GetString(Original) + "\r\n--=_courier-1--\r\n";

    private readonly TempDirectory _maildirs = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    /// <summary>Courier: UTF8 switches the session to UTF8 mode (or is refused); RETR serves the notice outside it.</summary>
    private static HostilePop3Server Courier(Maildrop drop, bool acceptUtf8) => new(c =>
    {
        var utf8 = false;
        return ServeAsync(c, drop, async line =>
        {
            if (line == "UTF8")
            {
                utf8 = acceptUtf8;
                await c.SendAsync(acceptUtf8 ? "+OK UTF8 enabled\r\n" : "-ERR UTF8 not available now\r\n");
                return true;
            }
            if (!line.StartsWith("RETR ", StringComparison.Ordinal) || utf8) return false;
            await c.SendAsync("+OK\r\n" + DotStuff(Notice) + ".\r\n");
            return true;
        });
    });

    private async Task<(RpopDrainResult Result, string[] Stored)> DrainAsync(HostilePop3Server server, LedgerJournal journal)
    {
        var options = new Pop3SessionOptions
        {
            Host = new HostAndPort("127.0.0.1", server.Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
        var store = new MaildirStore(_maildirs.Path);
        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials("joe", "secret"), null, Ct);
        var result = await RpopDrain.RunAsync(session, journal.Ledger, new QueueDestination(store, Account), leave: false, 1024 * 1024,
            journal.CommitAsync, Ct);
        var folder = Path.Combine(store.AccountDirectory(Account), "new");
        return (result, Directory.Exists(folder) ? Directory.GetFiles(folder) : []);
    }

    [Fact]
    public async Task UTF8_is_enabled_before_login_where_CAPA_offers_it_so_the_original_is_delivered_and_then_deleted()
    {
        var drop = new Maildrop { Capabilities = CourierCapabilities, Messages = [Encoding.Latin1.GetString(Original)] };
        await using var server = Courier(drop, acceptUtf8: true);

        var (result, stored) = await DrainAsync(server, new LedgerJournal());

        Assert.Equal(1, result.Delivered);
        Assert.Null(result.ProblemKind);
        var received = server.Received.ToList();
        Assert.True(received.IndexOf("UTF8") is >= 0 and var at && at < received.IndexOf("USER joe"), string.Join(" | ", received));
        var delivered = File.ReadAllBytes(Assert.Single(stored));
        Assert.Contains("Subject: Grüße aus Köln", Encoding.UTF8.GetString(delivered));
        Assert.DoesNotContain("Cannot display Unicode content", Encoding.UTF8.GetString(delivered));
        Assert.Contains("DELE 1", received);
    }

    [Fact]
    public async Task A_server_that_offers_UTF8_but_refuses_it_and_serves_its_notice_gets_no_DELE_and_the_error_says_why()
    {
        var drop = new Maildrop { Capabilities = CourierCapabilities, Messages = [Encoding.Latin1.GetString(Original), "Subject: plain\r\n\r\nascii\r\n"] };
        await using var server = Courier(drop, acceptUtf8: false);
        var journal = new LedgerJournal();

        var (result, stored) = await DrainAsync(server, journal);

        // The plain message is a notice too on this server (it serves the notice for every RETR outside UTF8 mode).
        Assert.Equal(0, result.Delivered);
        Assert.Equal(2, result.LeftOnServer);
        Assert.Equal(PollErrorKind.ProtocolError, result.ProblemKind);
        Assert.Contains("message/global", result.Problem);
        Assert.Contains("refused UTF8", result.Problem);
        Assert.Empty(stored);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("DELE", StringComparison.Ordinal));
        Assert.Empty(journal.Ledger.Delivered);
    }

    [Fact]
    public async Task A_downgraded_copy_from_a_server_without_UTF8_is_left_on_the_server_while_the_rest_is_delivered()
    {
        const string downgraded = "Downgraded-From: =?utf-8?q?J=C3=B6rg?= <jorg@example>\r\nFrom: Jorg <jorg@example>\r\nSubject: downgraded\r\n\r\nbody\r\n";
        var drop = new Maildrop { Messages = ["Subject: first\r\n\r\nbody\r\n", downgraded] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));

        var (result, stored) = await DrainAsync(server, new LedgerJournal());

        Assert.Equal(1, result.Delivered);
        Assert.Equal(1, result.LeftOnServer);
        Assert.Contains("Downgraded-From", result.Problem);
        Assert.Single(stored);
        Assert.Contains("DELE 1", server.Received);
        Assert.DoesNotContain("DELE 2", server.Received);
    }
}
