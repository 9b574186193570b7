using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.OAuth;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Tests.Delivery;
using RemotePoll.Mail.Tests.Pop3;
using RemotePoll.Mail.Tests.Rimap;
using RemotePoll.Mail.Tests.Rpop;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.OAuth;
using Xunit;

namespace RemotePoll.Mail.Tests.OAuth;

/// <summary>
/// RPOP drains and RIMAP mirrors that sign in with an OAuth2 access token against a real Dovecot acting as an
/// OAuth2 resource server (passdb oauth2, tokens checked by introspection at the test authorization server).
/// </summary>
[Integration]
public sealed class OAuthSignInDovecotTests(OAuthDovecotFixture fixture) : IClassFixture<OAuthDovecotFixture>, IDisposable
{
    private const string Account = "alice@example.com";

    private readonly TempDirectory _maildirs = new();

    private DovecotServer Server => fixture.Server;
    private OAuthTestServer Provider => fixture.Provider;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _maildirs.Dispose();

    private static string NewUser() => "o" + Guid.NewGuid().ToString("N")[..10];

    private string NewToken(string user) => Provider.IssueGrant(user, OAuthDovecotFixture.ClientId).AccessToken;

    private Pop3SessionOptions Pop3Options() => new()
    {
        Host = new HostAndPort(Server.Host, Server.Pop3Port),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    private async Task<RpopDrainResult> DrainAsync(string user, OAuth2Bearer bearer, MaildirStore store, RecordingProtocolLog log)
    {
        await using var session = await Pop3Session.OpenAsync(Pop3Options(), Pop3Credentials.ForBearer(user, bearer), log, Ct);
        Assert.Equal(bearer.AllowOAuthBearer ? Pop3LoginMethod.OAuthBearer : Pop3LoginMethod.XOAuth2, session.LoginMethod);
        var journal = new LedgerJournal();
        return await RpopDrain.RunAsync(session, journal.Ledger, new QueueDestination(store, Account), false,
            64L * 1024 * 1024, journal.CommitAsync, Ct);
    }

    [Theory]
    [InlineData(true, "OAUTHBEARER")]
    [InlineData(false, "XOAUTH2")]
    public async Task Rpop_drains_through_the_oauth_mechanism_with_the_access_token_and_no_password(bool allowOAuthBearer, string mechanism)
    {
        var user = NewUser();
        // Known to the passwd-file only so that doveadm can look the mailbox up; the sessions sign in with tokens.
        await Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await Server.InjectManyAsync(user, [Encoding.ASCII.GetBytes("Subject: one\r\n\r\nbody 1\r\n"),
            Encoding.ASCII.GetBytes("Subject: two\r\n\r\nbody 2\r\n")], cancellationToken: Ct);
        var token = NewToken(user);
        var store = new MaildirStore(Path.Combine(_maildirs.Path, user));
        var log = new RecordingProtocolLog();
        var introspectionsBefore = Provider.Introspections;

        var result = await DrainAsync(user, new OAuth2Bearer(token, allowOAuthBearer), store, log);

        Assert.Equal(2, result.Delivered);
        Assert.Equal(0, await Server.CountAsync(user, cancellationToken: Ct));
        Assert.Contains(log.SentLines, l => l.StartsWith("AUTH " + mechanism, StringComparison.Ordinal));
        // The SASL initial response (which holds the token in base64) is masked in the protocol log.
        var lines = log.SentLines.ToList();
        var auth = lines.FindIndex(l => l.StartsWith("AUTH ", StringComparison.Ordinal));
        Assert.Equal($"AUTH {mechanism}", lines[auth]);
        Assert.Equal(Pop3Transcript.Mask, lines[auth + 1]);
        Assert.DoesNotContain(log.SentLines, l => l.StartsWith("USER", StringComparison.Ordinal) || l.StartsWith("PASS", StringComparison.Ordinal));
        Assert.DoesNotContain(token, log.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes(token)), log.AllText, StringComparison.Ordinal);
        Assert.True(Provider.Introspections > introspectionsBefore, "Dovecot checked the token at the provider");
        await Server.WaitForLogAsync(l => l.Contains($"user=<{user}>", StringComparison.Ordinal)
            && l.Contains("method=" + mechanism, StringComparison.Ordinal), "login by " + mechanism, cancellationToken: Ct);
    }

    [Theory]
    [InlineData(true, "OAUTHBEARER")]
    [InlineData(false, "XOAUTH2")]
    public async Task Rimap_mirrors_through_the_oauth_mechanism_with_the_access_token(bool allowOAuthBearer, string mechanism)
    {
        var user = NewUser();
        // Known to the passwd-file only so that doveadm can look the mailbox up; the sessions sign in with tokens.
        await Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await Server.InjectManyAsync(user, [RimapTestData.Message("in-1"), RimapTestData.Message("in-2")], cancellationToken: Ct);
        await Server.InjectManyAsync(user, [RimapTestData.Message("work-1")], "Work", Ct);
        var token = NewToken(user);
        using var local = new TempStore();
        var commits = new CommitLog();
        var log = new RecordingImapLog();
        var request = RimapTestData.Request(Server, user, token) with { Bearer = new OAuth2Bearer(token, allowOAuthBearer) };

        var result = await RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, log, Ct);

        Assert.Equal(3, result.Messages);
        Assert.Equal(["in-1", "in-2"], RimapTestData.LocalSubjects(local.Store, RimapTestData.Local("Remote/INBOX")));
        Assert.Contains(log.Commands, c => c.StartsWith("AUTHENTICATE " + mechanism, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Commands, c => c.StartsWith("LOGIN", StringComparison.Ordinal) || c.StartsWith("AUTHENTICATE PLAIN", StringComparison.Ordinal));
        Assert.DoesNotContain(token, log.AllText, StringComparison.Ordinal);
        await Server.WaitForLogAsync(l => l.Contains($"user=<{user}>", StringComparison.Ordinal)
            && l.Contains("method=" + mechanism, StringComparison.Ordinal), "login by " + mechanism, cancellationToken: Ct);
    }

    [Fact]
    public async Task A_token_the_provider_no_longer_accepts_is_AuthenticationFailed_and_nothing_is_retrieved()
    {
        var user = NewUser();
        // Known to the passwd-file only so that doveadm can look the mailbox up; the sessions sign in with tokens.
        await Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await Server.InjectAsync(user, "Subject: kept\r\n\r\nbody\r\n", cancellationToken: Ct);
        var token = NewToken(user);
        Provider.ExpireAccessToken(token);

        var pop = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(Pop3Options(), Pop3Credentials.ForBearer(user, new OAuth2Bearer(token)), null, Ct));
        var imap = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(
            RimapTestData.Request(Server, user, token) with { Bearer = new OAuth2Bearer(token) }, new TempStore().Store,
            new CommitLog().Known, new CommitLog().CommitAsync, null, Ct));

        Assert.True(pop.Kind == PollErrorKind.AuthenticationFailed, pop.Message);
        Assert.Contains("OAUTHBEARER", pop.Message, StringComparison.Ordinal);
        Assert.Equal(PollErrorKind.AuthenticationFailed, imap.Kind);
        Assert.DoesNotContain(token, pop.Message + imap.Message, StringComparison.Ordinal);
        Assert.Equal(1, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_server_offering_neither_oauth_mechanism_is_a_ProtocolError_and_no_password_is_tried()
    {
        await using var plain = await DovecotServer.StartAsync(cancellationToken: Ct);
        var token = NewToken("bob");
        var popLog = new RecordingProtocolLog();
        var imapLog = new RecordingImapLog();

        var pop = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(
            Pop3Options() with { Host = new HostAndPort(plain.Host, plain.Pop3Port) },
            Pop3Credentials.ForBearer("bob", new OAuth2Bearer(token)), popLog, Ct));
        var imap = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(
            RimapTestData.Request(plain, "bob", token) with { Bearer = new OAuth2Bearer(token) }, new TempStore().Store,
            new CommitLog().Known, new CommitLog().CommitAsync, imapLog, Ct));

        Assert.Equal(PollErrorKind.ProtocolError, pop.Kind);
        Assert.Contains("neither SASL XOAUTH2 nor OAUTHBEARER", pop.Message, StringComparison.Ordinal);
        Assert.Equal(PollErrorKind.ProtocolError, imap.Kind);
        Assert.Contains("neither SASL XOAUTH2 nor OAUTHBEARER", imap.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(popLog.SentLines, l => l.StartsWith("AUTH", StringComparison.Ordinal) || l.StartsWith("USER", StringComparison.Ordinal)
            || l.StartsWith("PASS", StringComparison.Ordinal) || l.StartsWith("APOP", StringComparison.Ordinal));
        Assert.DoesNotContain(imapLog.Commands, c => c.StartsWith("LOGIN", StringComparison.Ordinal) || c.StartsWith("AUTHENTICATE", StringComparison.Ordinal));
    }
}
