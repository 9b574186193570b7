using System.Net;
using System.Net.Sockets;
using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Connection Security and Authentication Method against a real Dovecot (IMAP with STARTTLS, IMAPS, CRAM-MD5).</summary>
[Integration]
public sealed class RimapSecurityTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string User, string Password, RimapMirrorRequest Request)> AccountAsync()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, Message("hello"), cancellationToken: Ct);
        return (user, password, Request(Server, user, password));
    }

    private static Task<RimapMirrorResult> PollAsync(RimapMirrorRequest request, TempStore local, RecordingImapLog? log = null) =>
        RimapMirror.RunAsync(request, local.Store, new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, log, Ct);

    private Task<string> LoginLineAsync(string user) => Server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct);

    private static bool SentCredentials(RecordingImapLog log) =>
        log.Commands.Any(c => c.StartsWith("LOGIN", StringComparison.OrdinalIgnoreCase) || c.StartsWith("AUTHENTICATE", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Security_None_logs_in_without_encryption()
    {
        var (user, _, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();

        var result = await PollAsync(request, local, log);

        Assert.Equal(1, result.Messages);
        Assert.DoesNotContain(log.Commands, c => c == "STARTTLS");
        Assert.DoesNotContain("TLS", await LoginLineAsync(user));
    }

    [Fact]
    public async Task Security_STARTTLS_upgrades_before_login_when_the_CA_file_trusts_the_certificate()
    {
        var (user, _, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();

        var result = await PollAsync(request with { Security = ConnectionSecurity.StartTls, CaFile = Server.CaCertificatePath }, local, log);

        Assert.Equal(1, result.Messages);
        Assert.Equal("STARTTLS", log.Commands.First(c => c is "STARTTLS" || c.StartsWith("AUTHENTICATE", StringComparison.Ordinal)));
        Assert.Contains("TLS", await LoginLineAsync(user));
    }

    [Fact]
    public async Task Security_SSL_TLS_uses_implicit_TLS_when_the_CA_file_trusts_the_certificate()
    {
        var (user, _, request) = await AccountAsync();
        using var local = new TempStore();

        var result = await PollAsync(request with
        {
            Security = ConnectionSecurity.SslTls,
            Host = new HostAndPort(Server.Host, Server.ImapsPort),
            CaFile = Server.CaCertificatePath,
        }, local);

        Assert.Equal(1, result.Messages);
        Assert.Contains("TLS", await LoginLineAsync(user));
    }

    [Theory]
    [InlineData(ConnectionSecurity.StartTls)]
    [InlineData(ConnectionSecurity.SslTls)]
    public async Task An_untrusted_certificate_is_TlsFailed_before_the_password_is_sent(ConnectionSecurity security)
    {
        var (_, password, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();
        var port = security == ConnectionSecurity.SslTls ? Server.ImapsPort : Server.ImapPort;

        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            PollAsync(request with { Security = security, Host = new HostAndPort(Server.Host, port) }, local, log));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("not trusted", error.Message);
        Assert.False(SentCredentials(log));
        Assert.DoesNotContain(password, log.AllText);
    }

    [Fact]
    public async Task A_trusted_certificate_for_another_host_name_is_TlsFailed()
    {
        var (_, _, request) = await AccountAsync();
        using var local = new TempStore();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => PollAsync(request with
        {
            Security = ConnectionSecurity.SslTls,
            Host = new HostAndPort("imap.example.net", Server.ImapsPort),
            CaFile = Server.CaCertificatePath,
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }),
        }, local));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("does not name the host", error.Message);
    }

    [Fact]
    public async Task An_unreadable_CA_file_is_TlsFailed()
    {
        var (_, _, request) = await AccountAsync();
        using var local = new TempStore();

        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            PollAsync(request with { Security = ConnectionSecurity.StartTls, CaFile = "/nonexistent/ca.pem" }, local));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
    }

    [Fact]
    public async Task Normal_authentication_sends_the_password_with_AUTHENTICATE_PLAIN_and_the_log_never_shows_it()
    {
        var (user, password, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();

        await PollAsync(request, local, log);

        Assert.Contains("method=PLAIN", await LoginLineAsync(user));
        Assert.Contains(log.Commands, c => c.StartsWith("AUTHENTICATE PLAIN", StringComparison.Ordinal));
        Assert.DoesNotContain(password, log.AllText);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}")), log.AllText);
    }

    [Fact]
    public async Task Encrypted_authentication_uses_CRAM_MD5()
    {
        var (user, password, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();

        var result = await PollAsync(request with { AuthMethod = ImapAuthMethod.Encrypted }, local, log);

        Assert.Equal(1, result.Messages);
        Assert.Contains("method=CRAM-MD5", await LoginLineAsync(user));
        Assert.DoesNotContain(log.Commands, c => c.StartsWith("LOGIN", StringComparison.Ordinal) || c.StartsWith("AUTHENTICATE PLAIN", StringComparison.Ordinal));
        Assert.DoesNotContain(password, log.AllText);
    }

    [Theory]
    [InlineData(ImapAuthMethod.Normal)]
    [InlineData(ImapAuthMethod.Encrypted)]
    public async Task A_wrong_password_is_AuthenticationFailed_and_the_message_holds_no_password(ImapAuthMethod method)
    {
        var (user, _, request) = await AccountAsync();
        using var local = new TempStore();
        var log = new RecordingImapLog();
        const string wrong = "Wrong-Secret-42";

        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            PollAsync(request with { Password = wrong, AuthMethod = method }, local, log));

        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains(user, error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, log.AllText);
    }

    [Fact]
    public async Task A_refused_connection_is_ConnectionFailed()
    {
        var (_, _, request) = await AccountAsync();
        using var local = new TempStore();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => PollAsync(request with { Host = new HostAndPort("127.0.0.1", port) }, local));

        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("refused", error.Message);
    }

    [Fact]
    public async Task The_connection_leaves_from_the_source_address()
    {
        var (user, _, request) = await AccountAsync();
        using var local = new TempStore();

        var result = await PollAsync(request with { SourceAddress = IPAddress.Parse("127.0.0.2") }, local);

        Assert.Equal(1, result.Messages);
        Assert.Contains("rip=127.0.0.2", await LoginLineAsync(user));
    }

    [Fact]
    public async Task A_source_address_of_another_family_than_the_host_is_ConnectionFailed()
    {
        var (_, _, request) = await AccountAsync();
        using var local = new TempStore();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => PollAsync(request with { SourceAddress = IPAddress.IPv6Loopback }, local));

        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("reachable from ::1", error.Message);
    }

    [Fact]
    public async Task Remote_names_with_the_dot_delimiter_become_the_same_local_levels_and_the_filter_uses_the_dot()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, Message("top"), "Work", Ct);
        await Server.InjectAsync(user, Message("nested"), "Work/Reports", Ct);
        using var local = new TempStore();

        var result = await PollAsync(Request(Server, user, password) with { ListFilter = "Work.*" }, local);

        Assert.Equal(["Work.Reports"], result.Folders.Select(f => f.RemoteName));
        Assert.Equal(["nested"], LocalSubjects(local.Store, Local("Remote/Work/Reports")));
    }
}
