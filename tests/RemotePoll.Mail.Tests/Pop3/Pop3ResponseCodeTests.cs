using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>
/// Issue 21.5: RFC 2449 extended response codes and RFC 3206's SYS and AUTH, as Cyrus sends them, classify a refusal
/// whatever its wording; a LOGIN-DELAY capability is read for the poller (before and after login).
/// </summary>
public sealed class Pop3ResponseCodeTests
{
    private static readonly string[] CyrusCapabilities =
        ["EXPIRE NEVER", "LOGIN-DELAY 60", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "USER", "IMPLEMENTATION Cyrus POP3 3.6.1"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Pop3SessionOptions Options(HostilePop3Server server) => new()
    {
        Host = new HostAndPort("127.0.0.1", server.Port),
        CommandTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private static Task<Pop3Session> Open(HostilePop3Server server, Pop3SessionOptions? options = null) =>
        Pop3Session.OpenAsync(options ?? Options(server), new Pop3Credentials("joe", "secret"), null, Ct);

    /// <summary>A Cyrus-like maildrop whose answer to <paramref name="verb"/> is <paramref name="answer"/>.</summary>
    private static HostilePop3Server Refusing(string verb, string answer, Maildrop? drop = null)
    {
        drop ??= new Maildrop { Capabilities = CyrusCapabilities, Greeting = "+OK cyrus.example.com Cyrus POP3 v3.6.1 server ready <1896.697170952@cyrus.example.com>" };
        return new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith(verb + " ", StringComparison.Ordinal) && line != verb) return false;
            await c.SendAsync(answer + "\r\n");
            return true;
        }));
    }

    [Theory]
    [InlineData("-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart", PollErrorKind.TemporarilyUnavailable, "[LOGIN-DELAY]")]
    [InlineData("-ERR [SYS/TEMP] Unable to open mailbox: temporarily unavailable", PollErrorKind.TemporarilyUnavailable, "[SYS/TEMP]")]
    [InlineData("-ERR [SYS/TEMP/QUOTA] try later", PollErrorKind.TemporarilyUnavailable, "[SYS/TEMP]")]
    [InlineData("-ERR [SYS/PERM] Mailbox database is corrupt", PollErrorKind.ServerFailed, "[SYS/PERM]")]
    [InlineData("-ERR [IN-USE] Unable to lock maildrop", PollErrorKind.MailboxLocked, "[IN-USE]")]
    [InlineData("-ERR [AUTH] Invalid login", PollErrorKind.AuthenticationFailed, "[AUTH]")]
    public async Task A_refused_PASS_is_classified_by_its_response_code_with_a_text_naming_it(string answer, PollErrorKind kind, string named)
    {
        await using var server = Refusing("PASS", answer);
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(named, error.Message[..error.Message.IndexOf("-ERR", StringComparison.Ordinal)]); // the explanation, not only the quote
        Assert.EndsWith(answer, error.Message);
        Assert.Equal(answer, error.ServerResponse);
    }

    [Fact]
    public async Task A_LOGIN_DELAY_answer_to_USER_or_APOP_is_temporary_too()
    {
        const string answer = "-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart";
        await using (var server = Refusing("USER", answer))
            Assert.Equal(PollErrorKind.TemporarilyUnavailable, (await Assert.ThrowsAsync<RemotePollException>(() => Open(server))).Kind);
        await using (var server = Refusing("APOP", answer))
        {
            var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server, Options(server) with { Apop = true }));
            Assert.Equal(PollErrorKind.TemporarilyUnavailable, error.Kind);
            Assert.Contains("APOP", error.Message);
        }
    }

    [Fact]
    public async Task A_SYS_TEMP_answer_to_STAT_after_login_is_temporary()
    {
        await using var server = Refusing("STAT", "-ERR [SYS/TEMP] Mailbox is being reconstructed");
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));
        Assert.Equal(PollErrorKind.TemporarilyUnavailable, error.Kind);
        Assert.Contains("[SYS/TEMP]", error.Message);
    }

    [Fact]
    public async Task A_refusal_keeps_the_LOGIN_DELAY_the_server_announced_before_it()
    {
        await using var server = Refusing("PASS", "-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart");
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Open(server));
        Assert.Equal(TimeSpan.FromMinutes(1), error.LoginDelay);
    }

    [Fact]
    public async Task LOGIN_DELAY_USER_before_login_gives_way_to_the_users_value_after_it()
    {
        var loggedIn = false;
        var drop = new Maildrop();
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line.StartsWith("PASS ", StringComparison.Ordinal)) loggedIn = true;
            if (line != "CAPA") return false;
            // RFC 2449 6.8: USER before login says the value may differ per user; the CAPA after login gives this user's.
            await c.SendAsync(loggedIn ? "+OK\r\nUSER\r\nUIDL\r\nLOGIN-DELAY 900\r\n.\r\n" : "+OK\r\nUSER\r\nUIDL\r\nLOGIN-DELAY 300 USER\r\n.\r\n");
            return true;
        }));
        await using var session = await Open(server);
        Assert.Equal(TimeSpan.FromSeconds(900), session.LoginDelay);
    }

    [Fact]
    public async Task A_server_without_LOGIN_DELAY_has_none()
    {
        await using var server = new HostilePop3Server(c => ServeAsync(c, new Maildrop()));
        await using var session = await Open(server);
        Assert.Equal(TimeSpan.Zero, session.LoginDelay);
    }

    [Theory]
    [InlineData("-ERR [SYS/TEMP] x", "SYS/TEMP")]
    [InlineData("-ERR [login-delay] x", "LOGIN-DELAY")]
    [InlineData("-ERR no code here", null)]
    [InlineData("-ERR [unclosed", null)]
    [InlineData("+OK [SYS/TEMP] not an error", null)]
    public void The_code_is_read_only_where_RFC_2449_puts_it(string line, string? code) =>
        Assert.Equal(code, Pop3ResponseCode.Of(line));
}
