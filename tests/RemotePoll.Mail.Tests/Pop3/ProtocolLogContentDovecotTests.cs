using System.Text;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Mail.Tests.Rimap;
using RemotePoll.Mail.Tests.Rpop;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>
/// The protocol log (Log = Low-Level / All Info) carries commands and status lines, never mail content: a message whose
/// lines look like POP3 and IMAP status lines is retrieved from a real Dovecot over POP3 and mirrored over IMAP, and its
/// marker word appears in nothing the sessions log.
/// </summary>
[Integration]
public sealed class ProtocolLogContentDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private const string Marker = "Zanzibar7q";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DovecotServer Server => fixture.Server;

    private static byte[] Message(string id) => Encoding.ASCII.GetBytes(
        $"From: sender@remote.example\r\nTo: joe@remote.example\r\nSubject: {Marker} {id}\r\nMessage-ID: <{id}@remote.example>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        $"--b1\r\nContent-Type: text/plain\r\n\r\n+OK {Marker} looks like a status line\r\n-ERR {Marker} so does this\r\n" +
        $"* 1 FETCH ({Marker})\r\nA001 OK {Marker}\r\n.{Marker} starts with a dot\r\nRETR 1 {Marker}\r\nlast line {{12}}\r\n" +
        $"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.ASCII.GetBytes(Marker + new string('x', 200)), Base64FormattingOptions.InsertLineBreaks) +
        "\r\n--b1--\r\n");

    private async Task<(string User, string Password)> NewRemoteAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, [Message("m1"), Message("m2")], cancellationToken: Ct);
        return (user, password);
    }

    [Fact]
    public async Task A_POP3_drain_logs_commands_status_lines_and_sizes_but_no_line_of_the_messages()
    {
        var (user, password) = await NewRemoteAsync();
        var log = new RecordingProtocolLog();
        using var maildirs = new TempDirectory();
        var journal = new LedgerJournal();
        var options = new Pop3SessionOptions
        {
            Host = new HostAndPort(Server.Host, Server.Pop3Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(20),
        };

        await using (var session = await Pop3Session.OpenAsync(options, new Pop3Credentials(user, password), log, Ct))
        {
            var result = await RpopDrain.RunAsync(session, journal.Ledger, new QueueDestination(new MaildirStore(maildirs.Path), "joe@example.com"),
                leave: false, 1024 * 1024, journal.CommitAsync, Ct);
            Assert.Equal(2, result.Delivered);
        }

        var text = log.AllText;
        Assert.DoesNotContain(Marker, text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes(Marker))[..8], text);
        Assert.Contains("RETR 1", text);
        Assert.Contains("octets of message data, not logged", text);
        Assert.Contains("+OK Logged in.", text);
    }

    [Fact]
    public async Task An_IMAP_mirror_logs_commands_and_status_lines_with_literals_as_sizes_but_no_line_of_the_messages()
    {
        var (user, password) = await NewRemoteAsync();
        var log = new RecordingImapLog();
        using var local = new TempStore();
        var commits = new CommitLog();

        var result = await RimapMirror.RunAsync(RimapTestData.Request(Server, user, password), local.Store, commits.Known, commits.CommitAsync, log, Ct);

        Assert.Equal(2, result.Messages);
        var text = log.AllText;
        Assert.DoesNotContain(Marker, text);
        Assert.Contains("octets not logged", text);
        Assert.Contains("BODY.PEEK[]", text);
        Assert.Contains(" OK ", text);
    }
}
