using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// Unified Domain-Wide Accounts through a real node: Special is only taken on postmaster of the main domain (CLI and
/// CommuniGate dictionaries), mail goes over LMTP into Dovecot to the users it was addressed to, failure reports go
/// through the configured relay (Dovecot's LMTP here), and duplicates stay suppressed across a node restart.
/// </summary>
public sealed class UnifiedAccountTests() : DovecotNodeTest("unified")
{
    private const string Postmaster = "postmaster@example.com";
    private string[] _args = [];

    protected override (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot)
    {
        var config = Path.Combine(Data, "unified.conf");
        File.WriteAllText(config, $"remotepoll {{\n  report-relay = \"lmtp://127.0.0.1:{dovecot.LmtpPort}\"\n  reporting-mta = rpoll.test\n}}\n");
        _args = ["--deliver", $"lmtp://127.0.0.1:{dovecot.LmtpPort}", "--config", config];
        return (_args, []);
    }

    private async Task MainDomainAsync() =>
        Assert.Equal(0, (await Rpoll(null, "domain", "set", "example.com", "--main", "yes")).ExitCode);

    private async Task UnifiedRecordAsync(string special, string remote)
    {
        var set = await Rpoll("remote-pw\n", "rpop", "set", Postmaster, "isp", "--host", $"127.0.0.1:{Dovecot.Pop3Port}",
            "--user", remote, "--password-stdin", "--every", "disabled", "--special", special);
        Assert.True(set.ExitCode == 0, set.StandardOutput + set.StandardError);
    }

    private async Task PollAsync()
    {
        var poll = await Rpoll(null, "rpop", "poll", Postmaster, "isp", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
    }

    private async Task<IReadOnlyList<string>> TextsAsync(string user) => (await Dovecot.ListAsync(user, cancellationToken: Ct)).Select(m => m.Text).ToList();

    [Fact]
    public async Task Special_is_refused_naming_the_field_except_on_postmaster_of_the_main_domain()
    {
        await MainDomainAsync();
        var cli = await Rpoll("pw\n", "rpop", "set", "alice@example.com", "isp", "--host", "127.0.0.1:110", "--user", "u",
            "--password-stdin", "--every", "disabled", "--special", "X-Real-To");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("Special", cli.StandardOutput + cli.StandardError);
        Assert.Contains("postmaster", cli.StandardOutput + cli.StandardError);

        var cgp = await Rpoll("{ isp = { domain = \"127.0.0.1:110\"; authName = u; password = pw; special = \"*\"; period = Disabled; }; }",
            "cgp", "SETACCOUNTRPOPS", "postmaster@other.example", "-");
        Assert.NotEqual(0, cgp.ExitCode);
        Assert.Contains("Special", cgp.StandardOutput + cgp.StandardError);

        var ok = await Rpoll("{ isp = { domain = \"127.0.0.1:110\"; authName = u; password = pw; special = \"*\"; period = Disabled; }; }",
            "cgp", "SETACCOUNTRPOPS", Postmaster, "-");
        Assert.True(ok.ExitCode == 0, ok.StandardOutput + ok.StandardError);
        Assert.Contains("special=\"*\"", (await Rpoll(null, "cgp", "GETACCOUNTRPOPS", Postmaster)).StandardOutput);
    }

    [Fact]
    public async Task X_Real_To_mail_reaches_its_users_the_sender_gets_a_report_and_a_later_copy_is_suppressed_after_a_restart()
    {
        await MainDomainAsync();
        foreach (var u in new[] { "alice", "bob", "sender" }) await Dovecot.AddUserAsync(u, "pw", Ct);
        await Dovecot.AddUserAsync("domainbox", "remote-pw", Ct);
        string Copy(string realTo) => "Return-Path: <sender@example.com>\r\n" + realTo
            + "From: sender@example.com\r\nTo: alice@example.com\r\nMessage-ID: <u1@remote.example>\r\nDate: Sat, 1 Mar 2025 12:00:00 +0000\r\n"
            + "Subject: unified\r\n\r\nHello.\r\n";
        // bob is a Bcc recipient: only the special header names him. nobody is not a local account.
        await Dovecot.InjectAsync("domainbox", Copy("X-Real-To: alice@example.com\r\nX-Real-To: bob@example.com, nobody@example.com\r\n"), cancellationToken: Ct);
        await UnifiedRecordAsync("X-Real-To", "domainbox");

        await PollAsync();

        Assert.Single(await TextsAsync("alice"));
        Assert.DoesNotContain("X-Real-To", Assert.Single(await TextsAsync("bob")), StringComparison.OrdinalIgnoreCase);
        var report = Assert.Single(await TextsAsync("sender"));
        Assert.Contains("Final-Recipient: rfc822; nobody@example.com", report);
        Assert.Contains("Reporting-MTA: dns; rpoll.test", report);
        Assert.Equal(0, await Dovecot.CountAsync("domainbox", cancellationToken: Ct));

        // The provider stored another copy for alice; the node restarts before polling it.
        Assert.Equal(0, await Node.StopAsync());
        await Dovecot.InjectAsync("domainbox", Copy("X-Real-To: alice@example.com\r\n"), cancellationToken: Ct);
        Node = await Testing.Nodes.NodeProcess.StartAsync(Data, Port, ["--ca-file", Dovecot.CaCertificatePath, .. _args]);

        await PollAsync();

        Assert.Single(await TextsAsync("alice"));
        Assert.Single(await TextsAsync("sender"));
        Assert.Equal(0, await Dovecot.CountAsync("domainbox", cancellationToken: Ct));
    }

    [Fact]
    public async Task Star_keeps_local_accounts_only_and_sends_the_rest_to_postmaster()
    {
        await MainDomainAsync();
        foreach (var u in new[] { "carol", "postmaster", "outsider" }) await Dovecot.AddUserAsync(u, "pw", Ct);
        await Dovecot.AddUserAsync("starbox", "remote-pw", Ct);
        await Dovecot.InjectAsync("starbox", "From: x@remote.example\r\nTo: carol@example.com, outsider@other.example\r\nCc: ghost@example.com\r\n"
            + "Message-ID: <s1@remote.example>\r\nSubject: to carol\r\n\r\nHi.\r\n", cancellationToken: Ct);
        await Dovecot.InjectAsync("starbox", "From: x@remote.example\r\nTo: ghost@example.com\r\nSubject: to nobody\r\n\r\nHi.\r\n", cancellationToken: Ct);
        await UnifiedRecordAsync("*", "starbox");

        await PollAsync();

        Assert.Contains("Subject: to carol", Assert.Single(await TextsAsync("carol")));
        Assert.Contains("Subject: to nobody", Assert.Single(await TextsAsync("postmaster")));
        Assert.Empty(await TextsAsync("outsider"));
        Assert.Equal(0, await Dovecot.CountAsync("starbox", cancellationToken: Ct));
    }
}
