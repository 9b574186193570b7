using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.OAuth;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// Issue 17 part 5 through a real node: the record features work unchanged when a record signs in with OAuth2. A unified
/// domain-wide RPOP record signing in with XOAUTH2 hands each message to the domain's accounts over LMTP; an RIMAP record over
/// implicit TLS follows the TLS trust rules (the node's CA, a record's pin); Leave keeps the remote messages; Delay Failed
/// Hosts holds back a record whose host is down, before any token request. And a token endpoint in trouble is a temporary
/// failure that keeps the grant.
/// </summary>
public sealed class OAuthRecordFeaturesTests(OAuthDovecotFixture fixture) : OAuthNodeTest(fixture, "oauth-features"), IClassFixture<OAuthDovecotFixture>
{
    // Local delivery into the same Dovecot, over LMTP, so the unified record's recipients are real accounts.
    protected override string[] NodeArgs => ["--deliver", $"lmtp://127.0.0.1:{Fixture.Server.LmtpPort}"];

    private static string Message(string to, string subject) =>
        $"From: sender@example.org\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@example.org>\r\n\r\nBody.\r\n";

    private async Task<CommandResult> PollAsync(string kind, string account, string name) => await Rpoll(null, kind, "poll", account, name, "--wait");

    private static string LocalUser() => "l" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_unified_rpop_record_signing_in_with_XOAUTH2_delivers_each_message_to_the_domains_accounts()
    {
        var domain = $"u{Guid.NewGuid():N}"[..11] + ".example";
        await Ok(null, "domain", "set", domain, "--main", "yes");
        var (carol, dave) = (LocalUser(), LocalUser());
        foreach (var u in new[] { carol, dave, "postmaster" }) await Fixture.Server.AddUserAsync(u, "pw-" + Guid.NewGuid().ToString("N"), Ct);
        var (remote, grant) = await ConsentedUser();
        await Fixture.Server.InjectAsync(remote, Message($"{carol}@{domain}, {dave}@{domain}", "for two"), cancellationToken: Ct);
        await Fixture.Server.InjectAsync(remote, Message($"ghost@{domain}", "for nobody"), cancellationToken: Ct);
        await Ok("{" + Record("isp", Pop3, remote, "xo", grant, "special = \"*\"; ") + "}", "cgp", "SETACCOUNTRPOPS", $"postmaster@{domain}", "-");

        var poll = await PollAsync("rpop", $"postmaster@{domain}", "isp");

        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains("Subject: for two", Assert.Single(await Fixture.Server.ListAsync(carol, cancellationToken: Ct)).Text);
        Assert.Contains("Subject: for two", Assert.Single(await Fixture.Server.ListAsync(dave, cancellationToken: Ct)).Text);
        Assert.Contains(await Fixture.Server.ListAsync("postmaster", cancellationToken: Ct), m => m.Text.Contains("Subject: for nobody", StringComparison.Ordinal));
        Assert.Equal(0, await Fixture.Server.CountAsync(remote, cancellationToken: Ct));
        await Fixture.Server.WaitForLogAsync(l => l.Contains($"user=<{remote}>", StringComparison.Ordinal)
            && l.Contains("method=XOAUTH2", StringComparison.Ordinal), $"{remote} by XOAUTH2", cancellationToken: Ct);
    }

    [Fact]
    public async Task An_rimap_record_over_implicit_TLS_is_refused_an_untrusted_certificate_and_mirrors_with_the_trusted_one()
    {
        var (remote, grant) = await ConsentedUser();
        await Fixture.Server.InjectAsync(remote, Message("x@example.org", "over tls"), cancellationToken: Ct);
        var imaps = $"127.0.0.1:{Fixture.Server.ImapsPort}";
        var account = $"{LocalUser()}@example.com";
        var wrongPin = "sha256:" + new string('c', 64);
        await Ok("{" + Record("pinned", imaps, remote, "bearer", grant, $"connectionSecurity = \"SSL/TLS\"; tlsPin = \"{wrongPin}\"; ")
            + Record("tls", imaps, remote, "bearer", grant, "connectionSecurity = \"SSL/TLS\"; ") + "}", "cgp", "SETACCOUNTRIMAPS", account, "-");

        // A certificate the record does not trust (its pin differs, though the node's CA file would trust it): no session, no token sent.
        var refused = await PollAsync("rimap", account, "pinned");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("TlsFailed", refused.StandardOutput);
        Assert.Contains("certificate pin mismatch", refused.StandardOutput);
        Assert.DoesNotContain($"user=<{remote}>", Fixture.Server.LogText);

        // The same server for a record without a pin: the node's CA file (the test CA) trusts its certificate.
        var poll = await PollAsync("rimap", account, "tls");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains("1 message", poll.StandardOutput);
        Assert.Contains("Subject: over tls", File.ReadAllText(Assert.Single(Delivered(account, ".tls.INBOX"))));
        await Fixture.Server.WaitForLogAsync(l => l.Contains($"user=<{remote}>", StringComparison.Ordinal)
            && l.Contains("method=OAUTHBEARER", StringComparison.Ordinal) && l.Contains("TLS", StringComparison.Ordinal), $"{remote} over TLS", cancellationToken: Ct);
    }

    [Fact]
    public async Task Leave_keeps_the_remote_messages_and_a_second_poll_fetches_none_again()
    {
        var (remote, grant) = await ConsentedUser();
        var local = LocalUser();
        await Fixture.Server.AddUserAsync(local, "pw-" + Guid.NewGuid().ToString("N"), Ct);
        foreach (var n in new[] { 1, 2 }) await Fixture.Server.InjectAsync(remote, Message("x@example.org", $"kept {n}"), cancellationToken: Ct);
        await Ok("{" + Record("keep", Pop3, remote, "bearer", grant, "leave = YES; ") + "}", "cgp", "SETACCOUNTRPOPS", $"{local}@example.com", "-");

        var first = await PollAsync("rpop", $"{local}@example.com", "keep");
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        Assert.Contains("2 messages", first.StandardOutput);
        Assert.Equal(2, await Fixture.Server.CountAsync(remote, cancellationToken: Ct));

        var second = await PollAsync("rpop", $"{local}@example.com", "keep");
        Assert.True(second.ExitCode == 0, second.StandardOutput + second.StandardError);
        Assert.Contains("0 messages", second.StandardOutput);
        Assert.Equal(2, await Fixture.Server.CountAsync(remote, cancellationToken: Ct));
        Assert.Equal(2, await Fixture.Server.CountAsync(local, cancellationToken: Ct));
    }

    [Fact]
    public async Task Delay_Failed_Hosts_holds_back_an_oauth2_record_whose_host_is_down_before_any_token_request()
    {
        await Ok(null, "module", "set", "delay-failed-hosts", "1h");
        var (remote, grant) = await ConsentedUser();
        var down = $"127.0.0.1:{FreePorts.Take(1)[0]}"; // nothing listens there
        var account = $"{LocalUser()}@example.com";
        await Ok("{" + Record("down", down, remote, "bearer", grant) + "}", "cgp", "SETACCOUNTRPOPS", account, "-");

        var first = await PollAsync("rpop", account, "down");
        Assert.Equal(4, first.ExitCode);
        Assert.Contains("ConnectionFailed", first.StandardOutput);
        var requests = Fixture.Provider.TokenRequests;

        var second = await PollAsync("rpop", account, "down");
        Assert.Equal(4, second.ExitCode);
        Assert.Contains("ConnectionFailed", second.StandardOutput);
        Assert.Contains("is marked failed since", second.StandardOutput);
        Assert.Equal(requests, Fixture.Provider.TokenRequests); // the host check comes first: no token is asked for a host that is down
    }

    [Fact]
    public async Task Oauth2_records_take_their_Processes_permit_and_connect_from_the_Source_IP_Address()
    {
        // Processes 1 and Source IP Address 127.0.0.2: three OAuth2 records polled at once run one session at a time, each
        // from 127.0.0.2, as password records do.
        foreach (var (key, value) in new[] { ("processes", "1"), ("use-domain-ips", "no"), ("source-ip", "127.0.0.2") })
            await Ok(null, "module", "set", key, value);
        await using var proxy = TcpProxy.Start("127.0.0.1", Fixture.Server.Pop3Port);
        var account = $"{LocalUser()}@example.com";
        await Fixture.Server.AddUserAsync(account.Split('@')[0], "pw-" + Guid.NewGuid().ToString("N"), Ct);
        var dictionary = "{";
        for (var i = 0; i < 4; i++)
        {
            var (remote, grant) = await ConsentedUser();
            if (i > 0) await Fixture.Server.InjectAsync(remote, Message("x@example.org", $"permit {i}"), cancellationToken: Ct);
            dictionary += Record($"r{i}", $"{proxy.Host}:{proxy.Port}", remote, i % 2 == 0 ? "bearer" : "xo", grant);
        }
        await Ok(dictionary + "}", "cgp", "SETACCOUNTRPOPS", account, "-");

        // Module settings are replicated and `module set` answers once the node holds them, so r0 (an empty mailbox) polls
        // from 127.0.0.2, set last, at once (Processes 1 is then in force too); the loop only bounds a slow node.
        for (var tries = 0; proxy.ClientAddresses.LastOrDefault()?.ToString() != "127.0.0.2"; tries++)
        {
            Assert.True(tries < 30, "the Source IP Address never reached the poller: " + string.Join(", ", proxy.ClientAddresses));
            Assert.Equal(0, (await PollAsync("rpop", account, "r0")).ExitCode);
        }
        var before = proxy.TotalConnections;
        proxy.ServerDelay = TimeSpan.FromMilliseconds(150); // so that sessions without a permit each would overlap

        // Straight through RpollCli: the base class's output list is not for calls at the same time.
        var polls = await Task.WhenAll(new[] { "r1", "r2", "r3" }.Select(r => RpollCli.RunAsync(Port, null, "rpop", "poll", account, r, "--wait")));

        foreach (var poll in polls) Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(3, await Fixture.Server.CountAsync(account.Split('@')[0], cancellationToken: Ct));
        Assert.Equal(before + 3, proxy.TotalConnections);
        Assert.Equal(1, proxy.PeakClientSessions(TimeSpan.FromMilliseconds(50)));
        Assert.All(proxy.ClientAddresses.Skip(before), a => Assert.Equal("127.0.0.2", a.ToString()));
    }

    [Fact]
    public async Task A_token_endpoint_answering_503_is_TemporarilyUnavailable_naming_the_status_and_the_grant_is_kept()
    {
        var (remote, grant) = await ConsentedUser();
        await Fixture.Server.InjectAsync(remote, Message("x@example.org", "after the outage"), cancellationToken: Ct);
        var account = $"{LocalUser()}@example.com";
        await Fixture.Server.AddUserAsync(account.Split('@')[0], "pw-" + Guid.NewGuid().ToString("N"), Ct);
        await Ok("{" + Record("box", Pop3, remote, "bearer", grant) + "}", "cgp", "SETACCOUNTRPOPS", account, "-");
        Fixture.Provider.TokenFault = OAuthTestServer.Fault.ServerUnavailable;
        try
        {
            var poll = await PollAsync("rpop", account, "box");
            Assert.Equal(4, poll.ExitCode);
            Assert.Contains("TemporarilyUnavailable", poll.StandardOutput);
            Assert.Contains("HTTP 503", poll.StandardOutput);
            Assert.DoesNotContain("AuthorizationExpired", poll.StandardOutput);
            var list = await Ok(null, "rpop", "list", account);
            Assert.Contains("TemporarilyUnavailable", list);
            Assert.Contains("oauth2 (bearer), connected", list); // the grant is kept: nobody has to reconnect
        }
        finally
        {
            Fixture.Provider.TokenFault = OAuthTestServer.Fault.None;
        }
        var again = await PollAsync("rpop", account, "box");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("1 message", again.StandardOutput);
    }
}
