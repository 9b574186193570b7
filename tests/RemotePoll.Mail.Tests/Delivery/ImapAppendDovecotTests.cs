using System.Diagnostics;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// The IMAP store's APPEND as written on the wire (the bytes as they are, pipelined, MULTIAPPEND where offered) against
/// three Dovecots: default capabilities, LITERAL+ without MULTIAPPEND, and neither (synchronizing literals). What was
/// stored is read back over IMAP as the account's own user: FETCH BODY[], FLAGS, INTERNALDATE.
/// </summary>
[Integration]
public sealed class ImapAppendDovecotTests(ImapAppendDovecotsFixture fixture) : IClassFixture<ImapAppendDovecotsFixture>
{
    private const string UserPassword = "pw";

    /// <summary>The fixture's three servers, by name.</summary>
    public static TheoryData<string> Servers => ["multiappend", "literal-plus", "sync-literals"];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImapMailboxStore Store(DovecotServer server, string host, int port) => new(host, port,
        new ImapStoreOptions { MasterUser = server.MasterUser, MasterPassword = server.MasterPassword });

    private static async Task<(string User, string Account)> NewAccountAsync(DovecotServer server)
    {
        var user = "a" + Guid.NewGuid().ToString("N")[..10];
        await server.AddUserAsync(user, UserPassword, Ct);
        return (user, $"{user}@example.com");
    }

    private static byte[] Message(string subject, int bodyBytes = 0) => Encoding.ASCII.GetBytes(
        $"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\nBody of {subject}.\r\n"
        + new string('x', bodyBytes) + (bodyBytes > 0 ? "\r\n" : ""));

    private sealed record Stored(byte[] Bytes, MessageFlags Flags, IReadOnlySet<string> Keywords, DateTimeOffset InternalDate);

    /// <summary>Every message of the folder in UID order, read as the account's user.</summary>
    private static async Task<List<Stored>> ReadBackAsync(DovecotServer server, string user, string folder = "INBOX")
    {
        using var client = new ImapClient();
        await client.ConnectAsync(server.Host, server.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, UserPassword, Ct);
        var box = await client.GetFolderAsync(folder, Ct);
        await box.OpenAsync(FolderAccess.ReadOnly, Ct);
        var list = new List<Stored>();
        if (box.Count == 0) return list;
        var summaries = await box.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate, Ct);
        foreach (var s in summaries.OrderBy(s => s.UniqueId))
        {
            await using var body = await box.GetStreamAsync(s.UniqueId, "", Ct);
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy, Ct);
            list.Add(new Stored(copy.ToArray(), s.Flags!.Value & ~MessageFlags.Recent, s.Keywords, s.InternalDate!.Value));
        }
        await client.DisconnectAsync(true, Ct);
        return list;
    }

    private static async Task<ImapCapabilities> CapabilitiesAsync(DovecotServer server, string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(server.Host, server.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, UserPassword, Ct);
        var caps = client.Capabilities;
        await client.DisconnectAsync(true, Ct);
        return caps;
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Each_message_is_stored_once_byte_for_byte_with_its_flags_and_internal_date(string serverName)
    {
        var server = fixture[serverName];
        var (user, account) = await NewAccountAsync(server);
        var caps = await CapabilitiesAsync(server, user);
        Assert.Equal(serverName == "multiappend", caps.HasFlag(ImapCapabilities.MultiAppend));
        Assert.Equal(serverName != "sync-literals", caps.HasFlag(ImapCapabilities.LiteralPlus));
        await using var store = Store(server, server.Host, server.ImapPort);
        var folder = MailboxPath.Parse("Mirror/Work");
        await store.EnsureFolderAsync(account, folder, Ct);
        var date1 = new DateTimeOffset(2019, 7, 1, 10, 20, 30, TimeSpan.FromHours(-4));
        var date2 = new DateTimeOffset(2021, 12, 4, 23, 59, 58, TimeSpan.FromMinutes(330));
        MessageToStore[] batch =
        [
            // A folded header with odd whitespace, a keyword.
            new(Encoding.ASCII.GetBytes("From: bob@remote.example\r\nSubject: folded\r\n \t  across lines  \r\nX-Odd:   spaced\t\r\n\r\nbody\r\n"),
                MessageFlags.Seen | MessageFlags.Flagged, date1, ["$Forwarded"]),
            // The last line has no line end: a MIME writer adds one, the raw APPEND must not.
            new(Encoding.ASCII.GetBytes("From: bob@remote.example\r\nSubject: unterminated\r\n\r\nlast line without an end"),
                MessageFlags.Answered | MessageFlags.Draft, date2),
            // Raw 8-bit bytes in a header and the body.
            new(Encoding.UTF8.GetBytes("From: bob@remote.example\r\nSubject: Gr\u00fc\u00dfe \r\n\r\n\u00e4").Append((byte)0xFF).Concat("\r\n"u8.ToArray()).ToArray()),
            // Over LITERAL-'s 4096 octets, under the server's limit.
            new(Message("large", 12 * 1024)),
        ];

        var outcomes = await store.AppendBatchAsync(account, folder, batch, Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        var stored = await ReadBackAsync(server, user, "Mirror.Work");
        Assert.Equal(batch.Length, stored.Count);
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(batch[i].Content.ToArray(), stored[i].Bytes);
            Assert.Equal(batch[i].Flags, stored[i].Flags);
            if (batch[i].InternalDate is { } date) Assert.Equal(date, stored[i].InternalDate);
        }
        Assert.Contains("$Forwarded", stored[0].Keywords);
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_message_over_the_size_limit_fails_alone_for_good_and_the_rest_of_the_batch_is_stored(string serverName)
    {
        var server = fixture[serverName];
        var (user, account) = await NewAccountAsync(server);
        await using var store = Store(server, server.Host, server.ImapPort);
        MessageToStore[] batch =
        [
            new(Message("first")), new(Message("too-big", ImapAppendDovecotsFixture.MaxMailSize + 4096)), new(Message("third")), new(Message("fourth")),
        ];

        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, batch, Ct);

        Assert.True(outcomes[0].IsDelivered, outcomes[0].ToString());
        // Dovecot answers NO [LIMIT] for a message over quota_max_mail_size: asking again would get the same answer.
        Assert.Equal(DeliveryStatus.PermanentFailure, outcomes[1].Status);
        Assert.Contains("5.3.4 APPEND NO [LIMIT]", outcomes[1].ToString(), StringComparison.Ordinal);
        Assert.True(outcomes[2].IsDelivered, outcomes[2].ToString());
        Assert.True(outcomes[3].IsDelivered, outcomes[3].ToString());
        Assert.Equal(["first", "third", "fourth"], (await server.ListAsync(user, "INBOX", Ct)).Select(m => m.Subject));
        // The session is still sound: the next batch goes over it.
        Assert.True((await store.AppendBatchAsync(account, MailboxPath.Inbox, [new(Message("later"))], Ct))[0].IsDelivered);
        Assert.Equal(1, store.IdleSessions);
    }

    [Theory]
    [InlineData("multiappend")]
    [InlineData("sync-literals")]
    public async Task Bare_line_ends_are_stored_as_crlf_and_nothing_else_changes(string serverName)
    {
        var server = fixture[serverName];
        var (user, account) = await NewAccountAsync(server);
        await using var store = Store(server, server.Host, server.ImapPort);
        var lf = Encoding.ASCII.GetBytes("From: bob@remote.example\nSubject: lf\n\nline one\nline two\r\nbare cr\rend\n");

        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, [new(lf), new(Message("crlf"))], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        var stored = await ReadBackAsync(server, user);
        Assert.Equal("From: bob@remote.example\r\nSubject: lf\r\n\r\nline one\r\nline two\r\nbare cr\r\nend\r\n", Encoding.ASCII.GetString(stored[0].Bytes));
        Assert.Equal(Message("crlf"), stored[1].Bytes);
    }

    [Theory]
    [InlineData("multiappend", 20)]
    [InlineData("literal-plus", 300)]
    [InlineData("sync-literals", 300)]
    public async Task A_session_dropped_mid_batch_loses_and_duplicates_nothing(string serverName, int answerBytesBeforeDrop)
    {
        var server = fixture[serverName];
        var (user, account) = await NewAccountAsync(server);
        await using var proxy = TcpProxy.Start(server.Host, server.ImapPort);
        await using var store = Store(server, proxy.Host, proxy.Port);
        // Log in, then learn the size of the NOOP answer that starts every later call on the kept session.
        Assert.True(await store.FolderExistsAsync(account, MailboxPath.Inbox, Ct));
        var before = proxy.BytesFromServer;
        Assert.True(await store.FolderExistsAsync(account, MailboxPath.Inbox, Ct));
        var noop = proxy.BytesFromServer - before;
        var ids = Enumerable.Range(0, 20).Select(_ => DeliveryStamp.NewId()).ToArray();
        var batch = ids.Select((id, i) => new MessageToStore(DeliveryStamp.Stamp(Message($"m{i}", 2000), id))).ToArray();

        proxy.DropAfterServerBytes(noop + answerBytesBeforeDrop);
        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, batch, Ct);

        Assert.Contains(outcomes, o => !o.IsDelivered); // the drop cut the batch
        Assert.All(outcomes, o => Assert.True(o.IsDelivered || o.Status == DeliveryStatus.TemporaryFailure, o.ToString()));
        // What an RPOP poll does next: ask which unacknowledged copies arrived, deliver the others again.
        var unacknowledged = ids.Where((_, i) => !outcomes[i].IsDelivered).ToArray();
        var arrived = await store.FindStampedAsync(account, MailboxPath.Inbox, unacknowledged, Ct) ?? throw new InvalidOperationException("cannot tell");
        var again = batch.Where((_, i) => !outcomes[i].IsDelivered && !arrived.Contains(ids[i])).ToArray();
        if (again.Length > 0)
            Assert.All(await store.AppendBatchAsync(account, MailboxPath.Inbox, again, Ct), o => Assert.True(o.IsDelivered, o.ToString()));

        var stamps = (await ReadBackAsync(server, user)).Select(s => DeliveryStamp.Find(s.Bytes)).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), stamps.Order(StringComparer.Ordinal));
    }

    // The MailKit APPEND the store used under STARTTLS before adds a CRLF to a message whose last line has none.
    [Theory]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    [InlineData(SecureSocketOptions.StartTls)]
    public async Task Over_tls_the_store_writes_the_bytes_on_its_own_tls_connection(SecureSocketOptions security)
    {
        var server = fixture["multiappend"];
        var (user, account) = await NewAccountAsync(server);
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(server.CaCertificatePath);
        var port = security == SecureSocketOptions.StartTls ? server.ImapPort : server.ImapsPort;
        var secured = false;
        await using var store = new ImapMailboxStore(server.Host, port, new ImapStoreOptions
        {
            MasterUser = server.MasterUser, MasterPassword = server.MasterPassword, Security = security,
            ServerCertificateValidation = (_, cert, _, _) => secured = cert is not null && cert.GetCertHash().SequenceEqual(ca.GetCertHash()),
        });
        var raw = Encoding.ASCII.GetBytes("From: bob@remote.example\r\nSubject: tls\r\n\r\nno line end");

        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, [new(raw), new(Message("second"))], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        Assert.True(secured, "no TLS handshake took place");
        var stored = await ReadBackAsync(server, user);
        Assert.Equal(raw, stored[0].Bytes);
        Assert.Equal(Message("second"), stored[1].Bytes);
    }

    [Fact]
    public async Task Without_multiappend_the_appends_of_a_batch_are_in_flight_together()
    {
        var server = fixture["literal-plus"];
        var (user, account) = await NewAccountAsync(server);
        await using var proxy = TcpProxy.Start(server.Host, server.ImapPort);
        await using var store = Store(server, proxy.Host, proxy.Port);
        Assert.True(await store.FolderExistsAsync(account, MailboxPath.Inbox, Ct));
        const int count = 40;
        var delay = TimeSpan.FromMilliseconds(50);
        var batch = Enumerable.Range(0, count).Select(i => new MessageToStore(Message($"p{i}"))).ToArray();

        // Every answer of the server reaches the store 50 ms late: one APPEND after the other needs at least count x 50 ms.
        proxy.ServerDelay = delay;
        var watch = Stopwatch.StartNew();
        var outcomes = await store.AppendBatchAsync(account, MailboxPath.Inbox, batch, Ct);
        watch.Stop();

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        Assert.True(watch.Elapsed < count * delay, $"{count} appends took {watch.Elapsed.TotalMilliseconds:F0} ms: not pipelined");
        Assert.Equal(count, await server.CountAsync(user, "INBOX", Ct));
    }
}
