using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Fixtures;

/// <summary>Proves the Dovecot fixture: every listener answers MailKit, injection is fast, the helpers see the store.</summary>
[Integration]
public sealed class DovecotServerTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewUser() => "u" + Guid.NewGuid().ToString("N")[..10];

    private static string Message(string subject, string body = "hello") =>
        $"From: a@example.org\r\nTo: b@example.org\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\n{body}\r\n";

    [Fact]
    public async Task Pop3_with_STLS_logs_in_and_sees_injected_messages()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "pw-" + user, Ct);
        await Server.InjectAsync(user, Message("one"), cancellationToken: Ct);
        await Server.InjectAsync(user, Message("two"), cancellationToken: Ct);

        using var client = new Pop3Client { ServerCertificateValidationCallback = Server.ValidateServerCertificate };
        await client.ConnectAsync(Server.Host, Server.Pop3Port, SecureSocketOptions.StartTls, Ct);
        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.Apop));
        await client.AuthenticateAsync(user, "pw-" + user, Ct);
        Assert.Equal(2, client.Count);
        var first = await client.GetMessageAsync(0, Ct);
        Assert.Equal("one", first.Subject);
        await client.DisconnectAsync(true, Ct);
    }

    [Fact]
    public async Task Pop3s_implicit_TLS_validates_against_the_fixture_certificate()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        using var client = new Pop3Client { ServerCertificateValidationCallback = Server.ValidateServerCertificate };
        await client.ConnectAsync(Server.Host, Server.Pop3sPort, SecureSocketOptions.SslOnConnect, Ct);
        Assert.True(client.IsEncrypted);
        await client.AuthenticateAsync(user, "secret", Ct);
        Assert.Equal(0, client.Count);
        await client.DisconnectAsync(true, Ct);
    }

    [Fact]
    public async Task Pop3s_is_rejected_when_the_certificate_is_not_trusted()
    {
        using var client = new Pop3Client();
        await Assert.ThrowsAsync<SslHandshakeException>(() =>
            client.ConnectAsync(Server.Host, Server.Pop3sPort, SecureSocketOptions.SslOnConnect, Ct));
    }

    [Fact]
    public async Task Imap_STARTTLS_and_IMAPS_both_log_in()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        await Server.InjectAsync(user, Message("in-archive"), "Archive", Ct);
        foreach (var (port, options) in new[] { (Server.ImapPort, SecureSocketOptions.StartTls), (Server.ImapsPort, SecureSocketOptions.SslOnConnect) })
        {
            using var client = new ImapClient { ServerCertificateValidationCallback = Server.ValidateServerCertificate };
            await client.ConnectAsync(Server.Host, port, options, Ct);
            Assert.True(client.IsSecure);
            await client.AuthenticateAsync(user, "secret", Ct);
            var archive = await client.GetFolderAsync("Archive", Ct);
            await archive.OpenAsync(FolderAccess.ReadOnly, Ct);
            Assert.Equal(1, archive.Count);
            await client.DisconnectAsync(true, Ct);
        }
    }

    [Fact]
    public async Task Master_user_appends_into_any_users_mailbox_over_IMAP()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        using var client = new ImapClient();
        await client.ConnectAsync(Server.Host, Server.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(Server.MasterLogin(user), Server.MasterPassword, Ct);
        await client.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message("appended"))), Ct), cancellationToken: Ct);
        await client.DisconnectAsync(true, Ct);

        Assert.Equal(1, await Server.CountAsync(user, cancellationToken: Ct));
        var listed = await Server.ListAsync(user, cancellationToken: Ct);
        Assert.Equal("appended", listed.Single().Subject);
    }

    [Fact]
    public async Task Lmtp_listener_delivers_to_a_user()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.Host, Server.LmtpPort, Ct);
        using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        async Task<string> Expect(string code)
        {
            string line;
            do line = await reader.ReadLineAsync(Ct) ?? throw new IOException("LMTP closed");
            while (line.Length > 3 && line[3] == '-');
            Assert.StartsWith(code, line);
            return line;
        }
        await Expect("220");
        await writer.WriteLineAsync("LHLO test");
        await Expect("250");
        await writer.WriteLineAsync("MAIL FROM:<a@example.org>");
        await Expect("250");
        await writer.WriteLineAsync($"RCPT TO:<{user}@example.org>");
        await Expect("250");
        await writer.WriteLineAsync("DATA");
        await Expect("354");
        await writer.WriteAsync(Message("via-lmtp") + ".\r\n");
        await Expect("250");
        await writer.WriteLineAsync("QUIT");

        Assert.Equal(1, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task Two_thousand_messages_inject_in_a_few_seconds_and_POP3_sees_them_all()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        var watch = Stopwatch.StartNew();
        await Server.InjectManyAsync(user, Enumerable.Range(0, 2000).Select(i => Encoding.ASCII.GetBytes(Message($"bulk{i}"))), cancellationToken: Ct);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"injecting took {watch.Elapsed}");
        Assert.Equal(2000, await Server.CountAsync(user, cancellationToken: Ct));

        using var client = new Pop3Client();
        await client.ConnectAsync(Server.Host, Server.Pop3Port, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, "secret", Ct);
        Assert.Equal(2000, client.Count);
        Assert.Equal("bulk0", (await client.GetMessageHeadersAsync(0, Ct))["Subject"]);
        Assert.Equal("bulk1999", (await client.GetMessageHeadersAsync(1999, Ct))["Subject"]);
        await client.DisconnectAsync(true, Ct);
    }

    [Fact]
    public async Task Folders_are_created_listed_and_deleted()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        await Server.CreateFolderAsync(user, "Projects", Ct);
        await Server.InjectAsync(user, Message("x"), "Projects", Ct);
        Assert.Contains("Projects", await Server.ListFoldersAsync(user, Ct));
        Assert.Equal(1, await Server.CountAsync(user, "Projects", Ct));
        await Server.DeleteFolderAsync(user, "Projects", Ct);
        Assert.DoesNotContain("Projects", await Server.ListFoldersAsync(user, Ct));
    }

    [Fact]
    public async Task Log_records_the_login_method()
    {
        var user = NewUser();
        await Server.AddUserAsync(user, "secret", Ct);
        using var client = new Pop3Client();
        await client.ConnectAsync(Server.Host, Server.Pop3Port, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, "secret", Ct); // MailKit prefers APOP when the greeting offers it
        await client.DisconnectAsync(true, Ct);
        var line = await Server.WaitForLogAsync($"user=<{user}>", cancellationToken: Ct);
        Assert.Contains("method=APOP", line);
    }
}

/// <summary>Variants of the fixture: what Dovecot offers follows the options, and instances run side by side.</summary>
[Integration]
public sealed class DovecotServerVariantTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_APOP_and_CRAM_MD5_the_server_offers_neither()
    {
        await using var server = await DovecotServer.StartAsync(new DovecotOptions { Apop = false, CramMd5 = false }, Ct);
        using var client = new Pop3Client();
        await client.ConnectAsync(server.Host, server.Pop3Port, SecureSocketOptions.None, Ct);
        Assert.False(client.Capabilities.HasFlag(Pop3Capabilities.Apop));
        Assert.DoesNotContain("CRAM-MD5", client.AuthenticationMechanisms);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        await client.DisconnectAsync(true, Ct);
    }

    [Fact]
    public async Task Parallel_instances_start_and_stop_cleanly()
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DovecotServer.StartAsync(cancellationToken: Ct)));
        try
        {
            Assert.Equal(15, servers.SelectMany(s => new[] { s.Pop3Port, s.Pop3sPort, s.ImapPort, s.ImapsPort, s.LmtpPort }).Distinct().Count());
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }
        foreach (var s in servers)
        {
            Assert.False(Directory.Exists(s.RootDirectory));
            using var probe = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(s.Host, s.Pop3Port, Ct).AsTask());
        }
    }
}
