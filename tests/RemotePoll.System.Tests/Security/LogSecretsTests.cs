using System.Text;
using System.Text.RegularExpressions;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// Logs at the most verbose level (All Info, protocol traces) while the node logs in to Dovecot with every method it has:
/// POP3 USER/PASS, APOP, over TLS; IMAP Normal (PLAIN/LOGIN) and Encrypted (CRAM-MD5). Neither a password nor an
/// authentication exchange (base64 SASL lines) may reach the log.
/// </summary>
public sealed partial class LogSecretsTests() : DovecotNodeTest("logsecrets")
{
    private static readonly string[] Users = ["pu", "pa", "pt", "in", "ie"];

    private static string Password(string user) => $"Log-{user}-Pa55word!";

    [Fact]
    public async Task All_Info_logs_no_password_and_no_authentication_exchange_for_any_login_method()
    {
        foreach (var u in Users)
        {
            await Dovecot.AddUserAsync(u, Password(u), Ct);
            await Dovecot.InjectAsync(u, "Subject: hello\r\n\r\nbody\r\n", cancellationToken: Ct);
        }
        Assert.Equal(0, (await Rpoll(null, "module", "set", "log", "all-info")).ExitCode);
        var pop = $"127.0.0.1:{Dovecot.Pop3Port}";
        await Set(Password("pu"), "rpop", "pu", "--host", pop);
        await Set(Password("pa"), "rpop", "pa", "--host", pop, "--apop", "yes");
        await Set(Password("pt"), "rpop", "pt", "--host", $"127.0.0.1:{Dovecot.Pop3sPort}", "--tls", "yes");
        await Set(Password("in"), "rimap", "in", "--host", $"127.0.0.1:{Dovecot.ImapPort}", "--auth", "normal");
        await Set(Password("ie"), "rimap", "ie", "--host", $"127.0.0.1:{Dovecot.ImapPort}", "--auth", "encrypted");

        foreach (var (kind, name) in new[] { ("rpop", "pu"), ("rpop", "pa"), ("rpop", "pt"), ("rimap", "in"), ("rimap", "ie") })
        {
            // The level reaches every node's pollers within seconds: poll until this record's trace shows.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                var r = await Rpoll(null, kind, "poll", "logs@example.com", name, "--wait");
                Assert.True(r.ExitCode == 0, $"{kind} {name}: {r.StandardOutput}{r.StandardError}");
            } while (!Node.Log.Contains($"RPOLL logs@example.com/{name}: C: ", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
            Assert.Contains($"RPOLL logs@example.com/{name}: C: ", Node.Log);
        }
        Assert.Contains("method=APOP", Dovecot.LogText);
        Assert.Contains("method=CRAM-MD5", Dovecot.LogText);

        var log = Node.Log;
        foreach (var u in Users)
        {
            var p = Password(u);
            Assert.DoesNotContain(p, log);
            foreach (var exchange in new[] { $"\0{u}\0{p}", $"{u}\0{u}\0{p}", p, u + " " + p })
                Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(exchange)).TrimEnd('='), log);
        }
        // No client line after an AUTHENTICATE is a SASL response in the clear (base64 of 12 or more characters).
        var saslLines = SaslResponse().Matches(log).Select(m => m.Value).ToList();
        Assert.True(saslLines.Count == 0, string.Join("\n", saslLines));
    }

    private async Task Set(string password, string kind, string name, params string[] options)
    {
        var r = await Rpoll(password + "\n", [kind, "set", "logs@example.com", name, "--user", name, "--password-stdin", "--every", "disabled", .. options]);
        Assert.True(r.ExitCode == 0, r.StandardError);
    }

    [GeneratedRegex(@"RPOLL logs@example\.com/\w+: C: (\S+ )?[A-Za-z0-9+/]{12,}={0,2}\s*$", RegexOptions.Multiline)]
    private static partial Regex SaslResponse();
}
