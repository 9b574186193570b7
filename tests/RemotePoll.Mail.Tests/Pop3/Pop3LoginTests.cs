using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>
/// Which login method reaches Dovecot (its log says <c>method=APOP</c> or <c>method=PLAIN</c> for
/// USER/PASS) and what the protocol log shows, for the spec's three APOP conditions.
/// </summary>
[Integration]
public sealed class Pop3LoginTests : IAsyncLifetime
{
    private DovecotServer _apopServer = null!;
    private DovecotServer _plainServer = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var started = await Task.WhenAll(
            DovecotServer.StartAsync(cancellationToken: Ct),
            DovecotServer.StartAsync(new DovecotOptions { Apop = false }, Ct));
        (_apopServer, _plainServer) = (started[0], started[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _apopServer.DisposeAsync();
        await _plainServer.DisposeAsync();
    }

    public static TheoryData<bool, bool, bool, Pop3LoginMethod> ApopConditions => new()
    {
        // module Use APOP, record APOP, server offers APOP -> method
        { true, true, true, Pop3LoginMethod.Apop },
        { false, true, true, Pop3LoginMethod.UserPass },
        { true, false, true, Pop3LoginMethod.UserPass },
        { true, true, false, Pop3LoginMethod.UserPass },
    };

    [Theory]
    [MemberData(nameof(ApopConditions))]
    public async Task APOP_is_used_only_when_module_record_and_greeting_all_allow_it(
        bool useApop, bool recordApop, bool serverOffersApop, Pop3LoginMethod expected)
    {
        var server = serverOffersApop ? _apopServer : _plainServer;
        var user = Pop3SessionTests.NewUser();
        const string password = "Apop-Secret-7";
        await server.AddUserAsync(user, password, Ct);
        await server.InjectAsync(user, Pop3SessionTests.Message("x"), cancellationToken: Ct);
        var log = new RecordingProtocolLog();

        await using (var session = await Pop3Session.OpenAsync(Options(server) with { UseApop = useApop, Apop = recordApop },
            new Pop3Credentials(user, password), log, Ct))
        {
            Assert.Equal(expected, session.LoginMethod);
            Assert.Equal(1, session.Count);
            await session.QuitAsync(Ct);
        }

        var login = await server.WaitForLogAsync($"Login: user=<{user}>", cancellationToken: Ct);
        Assert.Contains(expected == Pop3LoginMethod.Apop ? "method=APOP" : "method=PLAIN", login);
        var commands = log.SentLines.Select(l => l.Split(' ')[0]).ToList();
        if (expected == Pop3LoginMethod.Apop)
        {
            Assert.Contains("APOP", commands);
            Assert.DoesNotContain("PASS", commands);
        }
        else
        {
            Assert.Equal(["USER", "PASS"], commands.Where(c => c is "USER" or "PASS" or "APOP" or "AUTH"));
        }
        Assert.DoesNotContain(password, log.AllText);
    }

    [Fact]
    public async Task A_failed_APOP_is_not_retried_with_the_password_in_clear_text()
    {
        var user = Pop3SessionTests.NewUser();
        await _apopServer.AddUserAsync(user, "right-password", Ct);
        var log = new RecordingProtocolLog();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(
            Options(_apopServer) with { Apop = true }, new Pop3Credentials(user, "wrong-password"), log, Ct));

        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("APOP", error.Message);
        var commands = log.SentLines.Select(l => l.Split(' ')[0]).ToList();
        Assert.Contains("APOP", commands);
        Assert.DoesNotContain("USER", commands);
        Assert.DoesNotContain("PASS", commands);
        Assert.DoesNotContain("AUTH", commands);
    }

    [Fact]
    public async Task SASL_mechanisms_the_server_offers_are_never_used()
    {
        var user = Pop3SessionTests.NewUser();
        await _apopServer.AddUserAsync(user, "pw-sasl", Ct);
        var log = new RecordingProtocolLog();
        await using var session = await Pop3Session.OpenAsync(Options(_apopServer), new Pop3Credentials(user, "pw-sasl"), log, Ct);
        Assert.Contains("CRAM-MD5", log.AllText); // offered in CAPA
        Assert.DoesNotContain(log.SentLines, l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Pop3LoginMethod.UserPass, session.LoginMethod);
    }

    [Fact]
    public async Task A_mailbox_locked_by_another_session_is_MailboxLocked()
    {
        await using var server = await DovecotServer.StartAsync(new DovecotOptions { Pop3LockSession = true }, Ct);
        var user = Pop3SessionTests.NewUser();
        await server.AddUserAsync(user, "pw-lock", Ct);
        await using var first = await Pop3Session.OpenAsync(Options(server), new Pop3Credentials(user, "pw-lock"), cancellationToken: Ct);

        // Dovecot waits about 12 s for the lock before it answers -ERR [IN-USE].
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(
            Options(server) with { CommandTimeout = TimeSpan.FromSeconds(30) }, new Pop3Credentials(user, "pw-lock"), cancellationToken: Ct));

        Assert.Equal(PollErrorKind.MailboxLocked, error.Kind);
        Assert.Contains("IN-USE", error.ServerResponse);
    }

    [Fact]
    public async Task The_protocol_log_never_contains_the_password_or_the_APOP_digest()
    {
        var user = Pop3SessionTests.NewUser();
        const string password = "Tr4ce-Me-Not";
        await _apopServer.AddUserAsync(user, password, Ct);
        var apopLog = new RecordingProtocolLog();
        var plainLog = new RecordingProtocolLog();

        await using (var s = await Pop3Session.OpenAsync(Options(_apopServer) with { Apop = true }, new Pop3Credentials(user, password), apopLog, Ct))
            await s.QuitAsync(Ct);
        await using (var s = await Pop3Session.OpenAsync(Options(_apopServer), new Pop3Credentials(user, password), plainLog, Ct))
            await s.QuitAsync(Ct);

        var apopLine = apopLog.SentLines.Single(l => l.StartsWith("APOP ", StringComparison.Ordinal));
        Assert.DoesNotMatch("[0-9a-f]{32}", apopLine);
        Assert.Contains("********", apopLine);
        Assert.Equal("PASS ********", plainLog.SentLines.Single(l => l.StartsWith("PASS", StringComparison.Ordinal)));
        Assert.DoesNotContain(password, apopLog.AllText + plainLog.AllText);
    }

    private static Pop3SessionOptions Options(DovecotServer server) => new()
    {
        Host = new HostAndPort(server.Host, server.Pop3Port),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };
}
