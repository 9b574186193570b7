using System.Net;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>Implicit TLS (record TLS option) against Dovecot's POP3S listener and its self-signed certificate.</summary>
[Integration]
public sealed class Pop3TlsTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Pop3SessionOptions TlsOptions(string? caFile, int? port = null) => new()
    {
        Host = new HostAndPort(Server.Host, port ?? Server.Pop3sPort),
        Tls = true,
        CaFile = caFile,
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Implicit_TLS_succeeds_when_the_CA_file_trusts_the_certificate()
    {
        var user = Pop3SessionTests.NewUser();
        await Server.AddUserAsync(user, "tls-pw", Ct);
        await Server.InjectAsync(user, Pop3SessionTests.Message("over-tls"), cancellationToken: Ct);

        await using var session = await Pop3Session.OpenAsync(TlsOptions(Server.CaCertificatePath), new Pop3Credentials(user, "tls-pw"), cancellationToken: Ct);

        Assert.Equal(Pop3SessionTests.Message("over-tls"), (await session.FetchAsync([0], Ct)).Single().Data);
        await session.QuitAsync(Ct);
        var login = await Server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct);
        Assert.Contains("TLS", login);
    }

    [Fact]
    public async Task Implicit_TLS_without_trusting_the_CA_is_TlsFailed()
    {
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(TlsOptions(caFile: null), new Pop3Credentials("nobody", "x"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("not trusted", error.Message);
    }

    [Fact]
    public async Task A_trusted_certificate_for_another_name_is_TlsFailed()
    {
        var options = TlsOptions(Server.CaCertificatePath) with
        {
            Host = new HostAndPort("pop.example.net", Server.Pop3sPort),
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }),
        };
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(options, new Pop3Credentials("nobody", "x"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("does not name the host", error.Message);
    }

    [Fact]
    public async Task TLS_to_a_plain_text_POP3_port_is_TlsFailed()
    {
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(TlsOptions(Server.CaCertificatePath, Server.Pop3Port), new Pop3Credentials("nobody", "x"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
    }

    [Fact]
    public async Task An_unreadable_CA_file_is_TlsFailed()
    {
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(TlsOptions("/nonexistent/ca.pem"), new Pop3Credentials("nobody", "x"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
    }

    [Theory]
    [InlineData(false, null, 110)]
    [InlineData(true, null, 995)]
    [InlineData(true, 9786, 9786)]
    [InlineData(false, 111, 111)]
    public void The_port_is_the_records_or_the_standard_one_for_TLS_or_not(bool tls, int? port, int expected) =>
        Assert.Equal(expected, new Pop3SessionOptions { Host = new HostAndPort("pop.provider.com", port), Tls = tls }.Port);
}
