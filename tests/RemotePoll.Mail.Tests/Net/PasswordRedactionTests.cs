using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Pop3;
using RemotePoll.Mail.Tests.Rimap;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;

namespace RemotePoll.Mail.Tests.Net;

/// <summary>
/// A server that echoes the password back, in whatever form it was sent, gets it masked in the error text (which the
/// journal, the lists and --json show) and in the protocol log.
/// </summary>
public sealed class PasswordRedactionTests
{
    private const string Password = "Imap\"EchoPw";
    private const string QuotedPassword = "Imap\\\"EchoPw";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("Imap\"EchoPw")]
    [InlineData("pässwörd-€-1")]
    [InlineData("back\\slash\"quote")]
    public void Every_form_the_password_is_sent_in_is_masked(string password)
    {
        var redaction = new PasswordRedaction(password);
        var quoted = password.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var forms = new List<string> { password, $"\"{quoted}\"", Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(password)), Base64(password) };
        // SASL PLAIN with and without an authorization id, for user names of every length mod 3, and XOAUTH2.
        foreach (var user in new[] { "a", "ab", "abc", "joe@example.com" })
            forms.AddRange([Base64($"\0{user}\0{password}"), Base64($"{user}\0{user}\0{password}"), Base64($"user={user}\u0001auth=Bearer {password}\u0001\u0001")]);

        foreach (var form in forms)
        {
            var text = redaction.Redact($"NO [AUTHENTICATIONFAILED] rejected {form} here");
            Assert.DoesNotContain(password, text);
            Assert.DoesNotContain(form, text);
            Assert.StartsWith("NO [AUTHENTICATIONFAILED] rejected ", text);
            Assert.EndsWith(" here", text);
        }
    }

    [Fact]
    public void Text_without_the_password_is_left_as_it_is_and_an_empty_password_masks_nothing()
    {
        const string text = "-ERR [AUTH] invalid user name or password; OK NO BAD 12345 aGVsbG8gd29ybGQ=";
        Assert.Equal(text, new PasswordRedaction(Password).Redact(text));
        Assert.Equal(text, new PasswordRedaction("").Redact(text));
    }

    [Fact]
    public async Task A_POP3_server_echoing_the_password_IMAP_quoted_has_it_masked_in_the_error_and_the_log()
    {
        await using var server = new HostilePop3Server(c => ServeAsync(c, new Maildrop { Password = "other" }, async line =>
        {
            if (!line.StartsWith("PASS ", StringComparison.Ordinal)) return false;
            await c.SendAsync($"-ERR [AUTH] wrong password \"{QuotedPassword}\" for joe\r\n");
            return true;
        }));
        var log = new RecordingProtocolLog();
        var options = new Pop3SessionOptions
        {
            Host = new HostAndPort("127.0.0.1", server.Port),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };

        var error = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(options, new Pop3Credentials("joe", Password), log, Ct));

        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("wrong password", error.Message);
        foreach (var text in new[] { error.Message, error.ServerResponse!, log.AllText })
        {
            Assert.DoesNotContain("EchoPw", text);
            Assert.Contains(PasswordRedaction.Mask, text);
        }
    }

    [Theory]
    [InlineData("IMAP4rev1 AUTH=CRAM-MD5")]
    [InlineData("IMAP4rev1 AUTH=PLAIN SASL-IR")]
    public async Task An_IMAP_server_echoing_the_LOGIN_argument_or_the_SASL_response_has_it_masked_in_the_error_and_the_log(string capabilities)
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, capabilities, async (tag, command) =>
        {
            if (!command.StartsWith("LOGIN ", StringComparison.Ordinal) && !command.StartsWith("AUTHENTICATE ", StringComparison.Ordinal)) return false;
            var echoed = command[(command.IndexOf(' ', command.IndexOf(' ') + 1) + 1)..];
            await c.SendAsync($"{tag} NO [AUTHENTICATIONFAILED] rejected {echoed}\r\n");
            return true;
        }));
        var log = new RecordingImapLog();
        var request = new RimapMirrorRequest
        {
            Account = RimapTestData.Account,
            RecordName = "Remote",
            Host = new HostAndPort("127.0.0.1", server.Port),
            User = "fake",
            Password = Password,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(5),
        };
        using var local = new TempStore();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(request, local.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, log, Ct));

        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains(server.Received, l => l.Contains("LOGIN fake \"" + QuotedPassword + "\"", StringComparison.Ordinal)
            || l.Contains("AUTHENTICATE PLAIN " + Base64($"\0fake\0{Password}"), StringComparison.Ordinal));
        foreach (var text in new[] { error.Message, error.ServerResponse ?? "", log.AllText })
        {
            Assert.DoesNotContain("EchoPw", text);
            Assert.DoesNotContain(Base64($"\0fake\0{Password}")[4..], text);
        }
        // MailKit quotes the server's answer in the error for LOGIN only; the log always has it, masked.
        Assert.Matches(@"S: \S+ NO \[AUTHENTICATIONFAILED\] rejected \S*\*{8}", log.AllText);
    }
}
