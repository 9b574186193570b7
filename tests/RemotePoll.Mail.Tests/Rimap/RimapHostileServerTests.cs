using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Servers that lack what the record requires or misbehave on purpose (fakes: Dovecot will not do these).</summary>
public sealed class RimapHostileServerTests
{
    private const string Password = "Fake-Secret-17";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static RimapMirrorRequest RequestFor(HostilePop3Server server) => new()
    {
        Account = Account,
        RecordName = "Remote",
        Host = new HostAndPort("127.0.0.1", server.Port),
        User = "fake",
        Password = Password,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(5),
    };

    private static async Task<RemotePollException> FailsAsync(RimapMirrorRequest request, RecordingImapLog? log = null)
    {
        using var local = new TempStore();
        return await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(request, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, log, Ct));
    }

    private static bool SentCredentials(HostilePop3Server server) =>
        server.Received.Any(l => l.Contains("LOGIN", StringComparison.OrdinalIgnoreCase) || l.Contains("AUTHENTICATE", StringComparison.OrdinalIgnoreCase)
            || l.Contains(Password, StringComparison.Ordinal));

    [Fact]
    public async Task STARTTLS_required_but_not_offered_is_TlsFailed_and_nothing_is_sent_in_clear()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN"));

        var error = await FailsAsync(RequestFor(server) with { Security = ConnectionSecurity.StartTls });

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("does not offer STARTTLS", error.Message);
        Assert.False(SentCredentials(server));
    }

    [Fact]
    public async Task STARTTLS_refused_by_the_server_is_TlsFailed()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 STARTTLS AUTH=PLAIN", async (tag, command) =>
        {
            if (command != "STARTTLS") return false;
            await c.SendAsync($"{tag} NO TLS is not available right now\r\n");
            return true;
        }));

        var error = await FailsAsync(RequestFor(server) with { Security = ConnectionSecurity.StartTls });

        Assert.Equal(PollErrorKind.TlsFailed, error.Kind);
        Assert.Contains("TLS is not available", error.Message);
        Assert.False(SentCredentials(server));
    }

    [Fact]
    public async Task Normal_without_AUTH_PLAIN_uses_the_LOGIN_command_and_the_log_masks_the_password()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=CRAM-MD5", async (tag, command) =>
        {
            if (!command.StartsWith("LOGIN", StringComparison.Ordinal)) return false;
            await c.SendAsync($"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
            return true;
        }));
        var log = new RecordingImapLog();

        var error = await FailsAsync(RequestFor(server), log);

        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("LOGIN login as 'fake' failed", error.Message);
        Assert.Contains(server.Received, l => l.EndsWith($"LOGIN fake {Password}", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Received, l => l.Contains("AUTHENTICATE", StringComparison.Ordinal));
        Assert.Contains(log.Commands, c => c.StartsWith("LOGIN ", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, log.AllText);
    }

    [Fact]
    public async Task A_server_that_disables_LOGIN_without_AUTH_PLAIN_is_a_clear_ProtocolError()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 STARTTLS LOGINDISABLED"));

        var error = await FailsAsync(RequestFor(server));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.Contains("LOGINDISABLED", error.Message);
        Assert.False(SentCredentials(server));
    }

    [Fact]
    public async Task A_BYE_greeting_is_ConnectionFailed_quoting_the_server()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1", greeting: "* BYE too many connections from your address"));

        var error = await FailsAsync(RequestFor(server));

        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("too many connections", error.Message);
    }

    [Fact]
    public async Task A_silent_server_is_ConnectionFailed_within_the_command_timeout()
    {
        await using var server = new HostilePop3Server(c => c.StaySilentAsync());

        var error = await FailsAsync(RequestFor(server) with { CommandTimeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("no answer within", error.Message);
    }

    [Fact]
    public async Task A_message_larger_than_announced_is_cut_off_and_skipped_with_the_reason_in_the_folders_Error()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", async (tag, command) =>
        {
            if (!command.StartsWith("UID FETCH", StringComparison.Ordinal) || !command.Contains("BODY.PEEK", StringComparison.Ordinal)) return false;
            // RFC822.SIZE said 100 bytes; the literal claims and streams 4 MB.
            const int size = 4 * 1024 * 1024;
            await c.SendAsync($"* 1 FETCH (UID 1 BODY[] {{{size}}}\r\n");
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('x', 1022) + "\r\n", 64)));
            for (var sent = 0; sent < size; sent += chunk.Length) await c.SendAsync(chunk);
            await c.SendAsync($")\r\n{tag} OK done\r\n");
            return true;
        }));

        using var local = new TempStore();
        var commits = new CommitLog();

        var result = await RimapMirror.RunAsync(RequestFor(server) with { MaxMessageSize = 100_000 }, local.Store, commits.Known, commits.CommitAsync, null, Ct);

        // Cut off and skipped (left on the server): the folder is not blocked.
        var inbox = Assert.Single(result.Folders);
        Assert.Equal(0, inbox.Messages);
        Assert.StartsWith("UID 1 skipped and left on the server", inbox.Error);
        Assert.Equal(1u, commits["INBOX"]!.HighestUid);
    }

    [Fact]
    public async Task A_connection_broken_during_a_fetch_is_ConnectionLost()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", async (_, command) =>
        {
            if (!command.StartsWith("UID FETCH", StringComparison.Ordinal) || !command.Contains("BODY.PEEK", StringComparison.Ordinal)) return false;
            await c.SendAsync("* 1 FETCH (UID 1 BODY[] {100}\r\nFrom: a@b\r\n");
            c.Abort();
            return true;
        }));

        var error = await FailsAsync(RequestFor(server));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
    }
}
