using System.Text;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// Outbound safety for records of account users, through a real node and rpoll: a record at 127.0.0.1 or at a name
/// resolving to it is refused at save; one saved while a server administrator allowed private targets is refused at
/// connect once the setting is off again; the minimum Poll Every for users holds. Administrators' records are not limited.
/// </summary>
public sealed class UserRecordTargetTests() : DovecotNodeTest("user-targets")
{
    private const string Account = "user@example.com";

    private async Task<Testing.Processes.CommandResult> SetUserRecord(string name, string host, string every = "10m", params string[] more) =>
        await Rpoll("secret-victim\n", ["rpop", "set", Account, name, "--user", "victim", "--password-stdin", "--host", host,
            "--by-account-user", "yes", "--every", every, .. more]);

    /// <summary><c>module set</c> answers once the node's own copy holds the change; a warning would say it does not.</summary>
    private async Task ModuleSet(string key, string value)
    {
        var set = await Rpoll(null, "module", "set", key, value);
        Assert.True(set.ExitCode == 0 && set.StandardError.Length == 0, $"module set: exit {set.ExitCode}: {set.StandardError}");
    }

    [Fact]
    public async Task A_user_record_at_127_0_0_1_or_localhost_is_refused_at_save_naming_the_host()
    {
        var literal = await SetUserRecord("loop", $"127.0.0.1:{Dovecot.Pop3Port}");
        Assert.Equal(1, literal.ExitCode);
        Assert.Contains("at Host", literal.StandardError);
        Assert.Contains("127.0.0.1 is a loopback address", literal.StandardError);

        var named = await SetUserRecord("named", $"localhost:{Dovecot.Pop3Port}");
        Assert.Equal(1, named.ExitCode);
        Assert.Contains("localhost (", named.StandardError);
        Assert.Contains("loopback", named.StandardError);

        var list = (await Rpoll(null, "rpop", "list", Account)).StandardOutput;
        Assert.DoesNotContain("loop", list);
        Assert.DoesNotContain("named", list);

        // The same record made by an administrator is allowed (Allow Self-Poll is on in these tests).
        Assert.Equal(0, (await Rpoll("secret-victim\n", "rpop", "set", Account, "admin", "--user", "victim", "--password-stdin",
            "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--every", "disabled")).ExitCode);
    }

    [Fact]
    public async Task A_user_record_saved_while_private_targets_were_allowed_is_refused_at_connect_once_they_are_not()
    {
        await Dovecot.AddUserAsync("victim", "secret-victim", Ct);
        await Dovecot.InjectAsync("victim", Encoding.ASCII.GetBytes("Subject: internal\r\n\r\nbody\r\n"), cancellationToken: Ct);
        var show = (await Rpoll(null, "module", "show")).StandardOutput;
        Assert.Matches(@"allow-user-private-targets\s+no", show);
        Assert.Matches(@"user-min-poll-every\s+5m", show);

        await ModuleSet("allow-user-private-targets", "yes");
        var saved = await SetUserRecord("internal", $"localhost:{Dovecot.Pop3Port}", "disabled", "--leave", "yes");
        Assert.True(saved.ExitCode == 0, saved.StandardError);
        var allowed = await Rpoll(null, "rpop", "poll", Account, "internal", "--wait");
        Assert.True(allowed.ExitCode == 0, allowed.StandardOutput + allowed.StandardError);
        Assert.Contains("1 message,", allowed.StandardOutput);

        await ModuleSet("allow-user-private-targets", "no");
        var refused = await Rpoll(null, "rpop", "poll", Account, "internal", "--wait");
        Assert.Equal(4, refused.ExitCode); // the poll ran its checks and failed
        Assert.Contains("Refused", refused.StandardOutput);
        Assert.Contains("is a loopback address: records of account users may not target it", refused.StandardOutput);
        var list = (await Rpoll(null, "rpop", "list", Account)).StandardOutput;
        Assert.Contains("Refused: localhost (", list);
        Assert.Matches(@"internal\s.*\byes\s+password\s*$", list.Split('\n').Single(l => l.StartsWith("internal", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_user_record_may_not_poll_more_often_than_user_min_poll_every()
    {
        await ModuleSet("allow-user-private-targets", "yes");
        var fast = await SetUserRecord("fast", "pop.example.net", "1m");
        Assert.Equal(1, fast.ExitCode);
        Assert.Contains("Poll Every", fast.StandardError);
        Assert.Contains("user-min-poll-every", fast.StandardError);

        await ModuleSet("user-min-poll-every", "30s");
        var now = await SetUserRecord("fast", "pop.example.net", "disabled");
        Assert.True(now.ExitCode == 0, now.StandardError);
        var changed = await Rpoll(null, "rpop", "set", Account, "fast", "--every", "1m");
        Assert.True(changed.ExitCode == 0, changed.StandardError);
    }
}
