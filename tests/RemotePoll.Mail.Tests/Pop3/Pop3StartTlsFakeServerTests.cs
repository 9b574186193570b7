using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>Issue 21.6: STARTTLS is required, never a fallback: no credential is ever sent in clear.</summary>
public sealed class Pop3StartTlsFakeServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Pop3Session> Open(HostilePop3Server server, Pop3Credentials? credentials = null) =>
        Pop3Session.OpenAsync(new Pop3SessionOptions
        {
            Host = new HostAndPort("127.0.0.1", server.Port),
            StartTls = true,
            CommandTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        }, credentials ?? new Pop3Credentials("joe", "secret"), null, Ct);

    /// <summary>Clear text held CAPA and STLS and then only the TLS handshake: no login command, no password.</summary>
    private static void NoCredentialInClear(HostilePop3Server server)
    {
        Assert.Equal(["CAPA", "STLS"], server.Received.Take(2));
        Assert.DoesNotContain(server.Received, line => line.StartsWith("USER", StringComparison.OrdinalIgnoreCase)
            || line.StartsWith("PASS", StringComparison.OrdinalIgnoreCase) || line.StartsWith("APOP", StringComparison.OrdinalIgnoreCase)
            || line.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) || line.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_without_STLS_in_CAPA_is_TlsFailed_and_hears_no_USER_PASS_or_APOP()
    {
        // An APOP greeting and SASL PLAIN: every way to log in is offered except STLS.
        var drop = new Maildrop
        {
            Greeting = "+OK POP3 ready <1896.697170952@pop.example.org>",
            Capabilities = ["USER", "UIDL", "SASL PLAIN LOGIN", "PIPELINING"],
        };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));

        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("does not offer STLS", error.Message);
        Assert.Equal(["CAPA"], server.Received);
    }

    [Fact]
    public async Task A_server_that_refuses_STLS_is_TlsFailed_quoting_it()
    {
        var drop = new Maildrop { Capabilities = ["USER", "UIDL", "STLS"] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line != "STLS") return false;
            await c.SendAsync("-ERR [SYS/TEMP] TLS is not available right now\r\n");
            return true;
        }));

        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("TLS is not available right now", error.Message);
        NoCredentialInClear(server);
    }

    [Fact]
    public async Task A_server_that_accepts_STLS_but_then_speaks_clear_text_is_TlsFailed()
    {
        var drop = new Maildrop { Capabilities = ["USER", "UIDL", "STLS"] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line != "STLS") return false;
            await c.SendAsync("+OK Begin TLS negotiation\r\n+OK but not really\r\n");
            return true;
        }));

        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        NoCredentialInClear(server);
    }
}
