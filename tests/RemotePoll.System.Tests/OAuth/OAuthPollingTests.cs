using System.Text;
using RemotePoll.Testing.OAuth;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// Issue 17 part 2 through a real node: RPOP and RIMAP records with authentication oauth2 get an access token from the
/// provider with their grant and sign in with it (OAUTHBEARER where the provider allows it, XOAUTH2 for microsoft), never
/// with a password; a record that is not connected fails at once with AuthorizationExpired.
/// </summary>
public sealed class OAuthPollingTests(OAuthDovecotFixture fixture) : OAuthNodeTest(fixture, "oauth-poll"), IClassFixture<OAuthDovecotFixture>
{
    private static byte[] Message(string tag, int n) => Encoding.ASCII.GetBytes(
        $"From: sender@example.org\r\nTo: remote@example.net\r\nSubject: {tag} {n}\r\nMessage-ID: <{tag}{n}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody {n}.\r\n");

    /// <summary>Starts <c>rpoll rpop authorize</c> and returns it running with the user code it made the provider issue.</summary>
    private async Task<(Task<CommandResult> Authorize, string Code)> StartAuthorizeAsync(string account, string name)
    {
        var before = Fixture.Provider.PendingUserCodes.ToHashSet();
        var authorize = Rpoll(null, "rpop", "authorize", account, name);
        string? code = null;
        for (var i = 0; i < 120 && code is null && !authorize.IsCompleted; i++)
        {
            code = Fixture.Provider.PendingUserCodes.FirstOrDefault(c => !before.Contains(c));
            if (code is null) await Task.Delay(TimeSpan.FromMilliseconds(500), Ct); // the provider is another process's peer, not an actor
        }
        Assert.NotNull(code);
        return (authorize, code);
    }

    [Fact]
    public async Task Rpop_and_rimap_records_sign_in_with_their_grant_through_OAUTHBEARER_and_XOAUTH2()
    {
        var (popBearer, popBearerGrant) = await ConsentedUser();
        var (popXo, popXoGrant) = await ConsentedUser();
        var (imapBearer, imapBearerGrant) = await ConsentedUser();
        var (imapXo, imapXoGrant) = await ConsentedUser();
        foreach (var u in new[] { popBearer, popXo, imapBearer, imapXo })
            await Fixture.Server.InjectManyAsync(u, [Message(u, 1), Message(u, 2)], cancellationToken: Ct);

        await Ok("{" + Record("ob", Pop3, popBearer, "bearer", popBearerGrant) + Record("ox", Pop3, popXo, "xo", popXoGrant) + "}",
            "cgp", "SETACCOUNTRPOPS", "pop@example.com", "-");
        await Ok("{" + Record("ib", Imap, imapBearer, "bearer", imapBearerGrant, "connectionSecurity = None; ")
                + Record("ix", Imap, imapXo, "xo", imapXoGrant, "connectionSecurity = None; ") + "}",
            "cgp", "SETACCOUNTRIMAPS", "imap@example.com", "-");

        foreach (var (kind, account, name) in new[] { ("rpop", "pop@example.com", "ob"), ("rpop", "pop@example.com", "ox"),
                     ("rimap", "imap@example.com", "ib"), ("rimap", "imap@example.com", "ix") })
        {
            var poll = await Rpoll(null, kind, "poll", account, name, "--wait");
            Assert.True(poll.ExitCode == 0, $"{kind} {name}: {poll.StandardOutput}{poll.StandardError}");
            Assert.Contains("2 messages", poll.StandardOutput);
        }
        Assert.Equal(4, Delivered("pop@example.com").Length);
        Assert.Equal(0, await Fixture.Server.CountAsync(popBearer, cancellationToken: Ct));
        Assert.Equal(2, Delivered("imap@example.com", ".ib.INBOX").Length);
        Assert.Equal(2, Delivered("imap@example.com", ".ix.INBOX").Length);
        foreach (var (user, mechanism) in new[] { (popBearer, "OAUTHBEARER"), (popXo, "XOAUTH2"), (imapBearer, "OAUTHBEARER"), (imapXo, "XOAUTH2") })
            await Fixture.Server.WaitForLogAsync(l => l.Contains($"user=<{user}>", StringComparison.Ordinal)
                && l.Contains("method=" + mechanism, StringComparison.Ordinal), $"{user} by {mechanism}", cancellationToken: Ct);

        var list = await Ok(null, "rpop", "list", "pop@example.com");
        Assert.Contains("oauth2 (bearer), connected", list);
        Assert.Contains("oauth2 (xo), connected", list);
        Assert.Contains("oauth2 (bearer), connected", await Ok(null, "rimap", "list", "imap@example.com"));

        // The dictionary carries the method and provider, and the grant only with --with-passwords.
        var plain = await Ok(null, "cgp", "GETACCOUNTRPOPS", "pop@example.com");
        Assert.Contains("authMethod=OAuth2;", plain);
        Assert.Contains("oauthProvider=bearer;", plain);
        Assert.DoesNotContain("oauthGrant", plain);
        Assert.Contains("oauthGrant", await Ok(null, "cgp", "GETACCOUNTRPOPS", "pop@example.com", "--with-passwords"));

        // No token the provider issued reaches the node's log.
        foreach (var token in Fixture.Provider.IssuedAccessTokens.Concat(Fixture.Provider.IssuedRefreshTokens))
            Assert.DoesNotContain(token, Node.Log);
    }

    [Fact]
    public async Task Client_credentials_records_need_no_consent_and_share_the_providers_app_token()
    {
        var (user, _) = await ConsentedUser();
        await Fixture.Server.InjectManyAsync(user, [Message(user, 1), Message(user, 2)], cancellationToken: Ct);
        await Fixture.Server.InjectManyAsync(user, [Message(user, 3)], "Work", Ct);
        Fixture.Provider.AppTokensActAs = user;
        var secret = Path.Combine(Data, "app.secret");
        await File.WriteAllTextAsync(secret, Fixture.ClientSecret, Ct);
        await Ok(null, "oauth", "provider", "set", "app", "--kind", "generic", "--grant", "client-credentials", "--client-id", OAuthDovecotFixture.ClientId,
            "--client-secret-file", secret, "--token-endpoint", Fixture.Provider.TokenEndpoint, "--scopes", "https://outlook.office365.com/.default");
        await Ok(null, "rpop", "set", "app@example.com", "box", "--host", Pop3, "--user", user, "--every", "disabled", "--leave", "yes",
            "--auth", "oauth2", "--oauth-provider", "app");
        await Ok(null, "rimap", "set", "app@example.com", "mirror", "--host", Imap, "--user", user, "--every", "disabled", "--security", "none",
            "--auth", "oauth2", "--oauth-provider", "app");
        var requests = Fixture.Provider.TokenRequests;

        var pop = await Rpoll(null, "rpop", "poll", "app@example.com", "box", "--wait");
        Assert.True(pop.ExitCode == 0, pop.StandardOutput + pop.StandardError);
        Assert.Contains("2 messages", pop.StandardOutput);
        var imap = await Rpoll(null, "rimap", "poll", "app@example.com", "mirror", "--wait");
        Assert.True(imap.ExitCode == 0, imap.StandardOutput + imap.StandardError);
        Assert.Contains("3 messages", imap.StandardOutput);
        Assert.Equal(requests + 1, Fixture.Provider.TokenRequests); // one app token for both records
        Assert.Equal(2, Delivered("app@example.com", ".mirror.INBOX").Length);
        Assert.Single(Delivered("app@example.com", ".mirror.Work"));
    }

    [Fact]
    public async Task Rpop_authorize_runs_the_device_flow_prints_the_code_and_stores_the_grant_the_user_approved()
    {
        var (user, _) = await ConsentedUser();
        await Fixture.Server.InjectAsync(user, Message(user, 1), cancellationToken: Ct);
        await Ok(null, "rpop", "set", "dev@example.com", "box", "--host", Pop3, "--user", user, "--every", "disabled", "--auth", "oauth2", "--oauth-provider", "bearer");
        var (authorize, code) = await StartAuthorizeAsync("dev@example.com", "box");
        Assert.True(Fixture.Provider.ApproveDevice(code, user));
        var done = await authorize;
        Assert.True(done.ExitCode == 0, done.StandardOutput + done.StandardError);
        Assert.Contains(Fixture.Provider.VerificationUri, done.StandardOutput);
        Assert.Contains(code, done.StandardOutput);
        Assert.Contains("connected", done.StandardOutput);

        Assert.Contains("oauth2 (bearer), connected since", await Ok(null, "rpop", "list", "dev@example.com"));
        // The new grant polls at once (a consent ends any wait); the ordered poll runs after it.
        var poll = await Rpoll(null, "rpop", "poll", "dev@example.com", "box", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Single(Delivered("dev@example.com"));
        Assert.Equal(0, await Fixture.Server.CountAsync(user, cancellationToken: Ct));

        // A record that signs in with a password has nothing to authorize.
        await Ok("pw\n", "rpop", "set", "dev@example.com", "pw", "--host", Pop3, "--user", user, "--every", "disabled", "--password-stdin");
        var refused = await Rpoll(null, "rpop", "authorize", "dev@example.com", "pw");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not sign in with OAuth2", refused.StandardError);
    }

    [Fact]
    public async Task A_device_grant_for_a_record_removed_meanwhile_is_not_stored_and_is_revoked_at_the_provider()
    {
        var (user, _) = await ConsentedUser();
        await Ok(null, "oauth", "provider", "set", "bearer", "--revocation-endpoint", Fixture.Provider.RevocationEndpoint);
        await Ok(null, "rpop", "set", "gone@example.com", "box", "--host", Pop3, "--user", user, "--every", "disabled", "--auth", "oauth2", "--oauth-provider", "bearer");
        var (authorize, code) = await StartAuthorizeAsync("gone@example.com", "box");
        await Ok(null, "rpop", "set", "gone@example.com", "box", "--every", "never"); // removed while the user approves
        var issuedBefore = Fixture.Provider.IssuedRefreshTokens.ToHashSet();
        var revocations = Fixture.Provider.Revocations;
        Assert.True(Fixture.Provider.ApproveDevice(code, user));

        var done = await authorize;
        Assert.NotEqual(0, done.ExitCode);
        Assert.Contains("the new grant was revoked at provider bearer", done.StandardOutput + done.StandardError);
        var issued = Assert.Single(Fixture.Provider.IssuedRefreshTokens, t => !issuedBefore.Contains(t));
        Assert.True(Fixture.Provider.IsRevoked(issued), "the refresh token the node could not store is still live at the provider");
        Assert.Equal(revocations + 1, Fixture.Provider.Revocations);
        Assert.DoesNotContain(issued, Node.Log);
    }

    [Fact]
    public async Task A_record_that_is_not_connected_fails_at_once_with_AuthorizationExpired_and_no_password_is_tried()
    {
        var (user, _) = await ConsentedUser();
        await Fixture.Server.InjectAsync(user, Message(user, 1), cancellationToken: Ct);
        await Ok(null, "rpop", "set", "nc@example.com", "box", "--host", Pop3, "--user", user, "--every", "disabled", "--auth", "oauth2", "--oauth-provider", "bearer");
        var tokenRequests = Fixture.Provider.TokenRequests;

        var poll = await Rpoll(null, "rpop", "poll", "nc@example.com", "box", "--wait");
        Assert.Equal(4, poll.ExitCode);
        Assert.Contains("AuthorizationExpired", poll.StandardOutput);
        Assert.Contains("not connected: run 'rpoll rpop authorize nc@example.com box'", poll.StandardOutput);
        Assert.Equal(tokenRequests, Fixture.Provider.TokenRequests);
        Assert.Equal(1, await Fixture.Server.CountAsync(user, cancellationToken: Ct));
        var list = await Ok(null, "rpop", "list", "nc@example.com");
        Assert.Contains("oauth2 (bearer), not connected", list);
        Assert.Contains("AuthorizationExpired", list);
        Assert.DoesNotContain($"user=<{user}>", Fixture.Server.LogText);
    }
}
