using System.Net;
using System.Web;
using Microsoft.Playwright;
using RemotePoll.Testing.OAuth;

namespace RemotePoll.Web.Tests;

/// <summary>
/// Issue 17, consent on the web pages: Connect on an oauth2 record in Chromium, the test provider's consent page, back
/// on the record page connected, and the next poll signs in with the grant; forged, replayed and other-session states
/// are refused with nothing stored; only the account's user or its domain's administrators may connect a record.
/// </summary>
public sealed class OAuthConnectTests(OAuthWebNode web) : IClassFixture<OAuthWebNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private OAuthTestServer Provider => web.OAuth.Provider;

    [Fact]
    public async Task Account_user_connects_an_rpop_record_through_the_consent_page_and_the_next_poll_delivers()
    {
        var (account, user) = await NewRpopRecordAsync();
        await web.OAuth.Server.InjectAsync(user, "From: a@example.test\r\nTo: b@example.test\r\nSubject: fetched with the web grant\r\n\r\nhello\r\n",
            cancellationToken: Ct);
        var page = await web.SignInAsync(web.UserToken(account));
        var html = new List<string>();
        await page.GotoAsync(web.AccountUrl(account));
        var row = page.Locator("#rpop tbody tr[data-name='home']");
        Assert.Contains($"{OAuthWebNode.Provider}: not connected", await row.Locator(".oauth-state").InnerTextAsync());
        Assert.Equal("Connect", (await row.Locator("a.connect").InnerTextAsync()).Trim());
        html.Add(await page.ContentAsync());

        await row.Locator("a.connect").ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(Provider.AuthorizationEndpoint, StringComparison.Ordinal));
        var asked = HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        Assert.Equal("S256", asked["code_challenge_method"]);
        Assert.Equal(43, asked["code_challenge"]!.Length);
        Assert.Equal(43, asked["state"]!.Length);
        Assert.Equal(web.BaseUrl + "/oauth/callback", asked["redirect_uri"]);
        Assert.Equal(user, await page.Locator("#user").InputValueAsync()); // login_hint: the record's Account
        // The callback page is read from its response: it moves on to the record page by itself a second later.
        var callback = await page.RunAndWaitForResponseAsync(() => page.Locator("#allow").ClickAsync(),
            r => r.Url.StartsWith(web.BaseUrl + "/oauth/callback", StringComparison.Ordinal));
        Assert.Equal((int)HttpStatusCode.OK, callback.Status);
        var connected = await callback.TextAsync();
        Assert.Contains($"connected as {user}", connected);
        html.Add(connected);
        // The page sends the browser on to the record page, and the SameSite=Strict session comes along.
        await page.WaitForURLAsync(web.AccountUrl(account));
        var state = (await row.Locator(".oauth-state").InnerTextAsync()).Trim();
        Assert.Matches($@"{OAuthWebNode.Provider}: connected as {user} since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d$", state);
        Assert.Equal("Reconnect", (await row.Locator("a.connect").InnerTextAsync()).Trim());
        html.Add(await page.ContentAsync());

        await PollDeliversAsync(account, user, "fetched with the web grant");

        await page.GotoAsync(web.AccountUrl(account));
        html.Add(await page.ContentAsync());
        var secrets = Provider.IssuedAccessTokens.Concat(Provider.IssuedRefreshTokens).Append(web.OAuth.ClientSecret).ToList();
        Assert.NotEmpty(Provider.IssuedRefreshTokens);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(html, h => h.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, web.Node.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_forged_a_replayed_or_another_sessions_state_is_refused_and_nothing_is_stored()
    {
        var (account, _) = await NewRpopRecordAsync();
        var page = await web.SignInAsync(web.UserToken(account));
        var exchanges = Provider.TokenRequests;

        // Forged: a state this node never handed out.
        var forged = await page.Context.APIRequest.GetAsync($"{web.BaseUrl}/oauth/callback?code=ac-forged&state={new string('A', 43)}");
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        Assert.Contains("Nothing was stored", await forged.TextAsync());

        // The user denies consent at the provider: said so, nothing stored.
        await page.GotoAsync(web.AccountUrl(account));
        await page.Locator("#rpop tbody tr[data-name='home'] a.connect").ClickAsync();
        await page.Locator("#deny").ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(web.BaseUrl + "/oauth/callback", StringComparison.Ordinal));
        Assert.Contains("did not give consent (access_denied)", await page.Locator("#refusal").InnerTextAsync());

        // Another browser session: the provider's answer to this browser's Connect, opened in another browser.
        var answer = await ConsentAnswerAsync(page, account, deliver: false);
        var other = await web.SignInAsync(web.UserToken(account));
        await other.GotoAsync(answer);
        Assert.Contains("another browser session", await other.Locator("#refusal").InnerTextAsync());
        // ... and the state is spent: the browser that started it cannot use it after that either.
        await page.GotoAsync(answer);
        Assert.Contains("does not belong to a consent under way", await page.Locator("#refusal").InnerTextAsync());
        Assert.Equal(exchanges, Provider.TokenRequests); // no code was exchanged
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Contains("not connected", await page.Locator("#rpop tbody tr[data-name='home'] .oauth-state").InnerTextAsync());

        // Replayed: a consent that went through, its answer sent again.
        var used = await ConsentAnswerAsync(page, account, deliver: true);
        await page.WaitForURLAsync(web.AccountUrl(account));
        Assert.Contains("connected as", await page.Locator("#rpop tbody tr[data-name='home'] .oauth-state").InnerTextAsync());
        exchanges = Provider.TokenRequests;
        await page.GotoAsync(used);
        Assert.Contains("does not belong to a consent under way", await page.Locator("#refusal").InnerTextAsync());
        Assert.Equal(exchanges, Provider.TokenRequests);
    }

    [Fact]
    public async Task A_grant_the_node_refuses_to_store_because_the_record_was_removed_meanwhile_is_revoked_at_the_provider()
    {
        var (account, _) = await NewRpopRecordAsync();
        var page = await web.SignInAsync(web.UserToken(account));
        var answer = await ConsentAnswerAsync(page, account, deliver: false);
        await web.RpollOkAsync(null, "rpop", "set", account, "home", "--every", "never"); // removed while the user was at the provider
        var issuedBefore = Provider.IssuedRefreshTokens.ToHashSet();
        var revocations = Provider.Revocations;

        await page.GotoAsync(answer);

        var refusal = await page.Locator("#refusal").InnerTextAsync();
        Assert.Contains("The grant was not stored", refusal);
        Assert.Contains($"The new grant was revoked at provider {OAuthWebNode.Provider}", refusal);
        var issued = Assert.Single(Provider.IssuedRefreshTokens, t => !issuedBefore.Contains(t));
        Assert.True(Provider.IsRevoked(issued), "the refresh token the node could not store is still live at the provider");
        Assert.Equal(revocations + 1, Provider.Revocations);
        Assert.DoesNotContain(issued, await page.ContentAsync());
        Assert.DoesNotContain(issued, web.Node.Log);
    }

    [Fact]
    public async Task Only_the_account_user_and_administrators_of_its_domain_may_connect_a_record()
    {
        var (account, _) = await NewRpopRecordAsync();
        var connect = $"{web.BaseUrl}/oauth/connect?account={Uri.EscapeDataString(account)}&kind=rpop&name=home";

        foreach (var token in new[] { web.DomainToken("other.test"), web.UserToken("mallory@example.test") })
        {
            var stranger = await web.SignInAsync(token);
            var refused = await stranger.Context.APIRequest.GetAsync(connect, new() { MaxRedirects = 0 });
            Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
            Assert.Contains("permission denied", await refused.TextAsync());
        }

        var admin = await web.SignInAsync(web.DomainToken("example.test"));
        var sent = await admin.Context.APIRequest.GetAsync(connect, new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Redirect, sent.Status);
        Assert.StartsWith(Provider.AuthorizationEndpoint + "?", sent.Headers["location"], StringComparison.Ordinal);

        // An account user whose administrator did not allow changes (CanModifyRPOP off) is told so before the provider.
        await web.RpollOkAsync(null, "account", "set", account, "--can-modify-rpop", "no");
        var user = await web.SignInAsync(web.UserToken(account));
        var held = await user.Context.APIRequest.GetAsync(connect, new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, held.Status);
        Assert.Contains("CanModifyRPOP", await held.TextAsync());
    }

    [Fact]
    public async Task Revoked_consent_shows_AuthorizationExpired_and_Reconnect_restores_polling()
    {
        var (account, user) = await NewRpopRecordAsync();
        var page = await web.SignInAsync(web.UserToken(account));
        await ConsentAnswerAsync(page, account, deliver: true);
        await page.WaitForURLAsync(web.AccountUrl(account));
        var first = await web.RpollAsync("rpop", "poll", account, "home", "--wait");
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);

        // The user withdraws the consent at the provider: the record's sign-in is refused until someone reconnects it.
        Provider.RevokeUser(user);
        var polls = 0;
        while (true)
        {
            var poll = await web.RpollAsync("rpop", "poll", account, "home", "--wait");
            Assert.Equal(4, poll.ExitCode);
            if (poll.StandardOutput.Contains("AuthorizationExpired", StringComparison.Ordinal)) break;
            // A cached access token is refused by the server first; the next poll's refresh is refused by the provider.
            Assert.True(++polls < 3, "no AuthorizationExpired after 3 polls: " + poll.StandardOutput + poll.StandardError);
        }
        await page.GotoAsync(web.AccountUrl(account));
        var row = page.Locator("#rpop tbody tr[data-name='home']");
        Assert.Contains("AuthorizationExpired", await row.Locator(".oauth-state").InnerTextAsync());
        Assert.Equal("Reconnect", (await row.Locator("a.connect").InnerTextAsync()).Trim());
        var error = (await row.Locator("td.error").InnerTextAsync()).Trim();
        Assert.StartsWith("AuthorizationExpired: ", error);
        Assert.Contains("reconnect", error);

        await web.OAuth.Server.InjectAsync(user, "From: a@example.test\r\nTo: b@example.test\r\nSubject: after the reconnect\r\n\r\nhello\r\n",
            cancellationToken: Ct);
        await row.Locator("a.connect").ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(Provider.AuthorizationEndpoint, StringComparison.Ordinal));
        await page.Locator("#allow").ClickAsync();
        await page.WaitForURLAsync(web.AccountUrl(account));
        Assert.Contains($"connected as {user}", await row.Locator(".oauth-state").InnerTextAsync());

        await PollDeliversAsync(account, user, "after the reconnect");
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Equal("", (await row.Locator("td.error").InnerTextAsync()).Trim()); // the success cleared the error
    }

    [Fact]
    public async Task A_rimap_record_is_connected_from_its_form_by_an_administrator_of_its_domain()
    {
        var user = "o" + Guid.NewGuid().ToString("N")[..10];
        var account = $"{user}@example.test";
        await web.OAuth.Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await web.RpollOkAsync(null, "rimap", "set", account, "work", "--host", $"127.0.0.1:{web.OAuth.Server.ImapPort}", "--user", user,
            "--auth", "oauth2", "--oauth-provider", OAuthWebNode.Provider, "--every", "disabled");
        var page = await web.SignInAsync(web.DomainToken("example.test"));
        await page.GotoAsync(web.AccountUrl(account));
        var form = page.Locator("fieldset[data-name='work']");
        Assert.Contains("not connected", await form.Locator(".oauth-state").InnerTextAsync());

        await form.Locator("a.connect").ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(Provider.AuthorizationEndpoint, StringComparison.Ordinal));
        await page.Locator("#allow").ClickAsync();
        await page.WaitForURLAsync(web.AccountUrl(account));
        Assert.Contains($"connected as {user}", await form.Locator(".oauth-state").InnerTextAsync());

        // The RIMAP forms sent back as shown keep it too.
        await page.Locator("#rimap-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        Assert.Contains($"connected as {user}", await form.Locator(".oauth-state").InnerTextAsync());
    }

    /// <summary>
    /// Clicks Connect on the record and Allow on the provider's consent page, and returns the URL the provider sends the
    /// browser back to (its redirect's Location); <paramref name="deliver"/> false keeps the browser from following it.
    /// </summary>
    private async Task<string> ConsentAnswerAsync(IPage page, string account, bool deliver)
    {
        string? answer = null;
        var consent = Provider.AuthorizationEndpoint;
        // Playwright does not route the target of a redirect: the provider's answer to Allow is caught instead.
        await page.RouteAsync(consent, async route =>
        {
            if (route.Request.Method != "POST") { await route.ContinueAsync(); return; }
            var response = await route.FetchAsync(new() { MaxRedirects = 0 });
            answer = response.Headers["location"];
            if (deliver) await route.FulfillAsync(new() { Response = response });
            else await route.AbortAsync();
        });
        await page.GotoAsync(web.AccountUrl(account));
        await page.Locator("#rpop tbody tr[data-name='home'] a.connect").ClickAsync();
        await page.WaitForURLAsync(u => u.StartsWith(consent, StringComparison.Ordinal));
        if (deliver)
        {
            await page.Locator("#allow").ClickAsync();
            await page.WaitForURLAsync(u => u.StartsWith(web.BaseUrl + "/oauth/callback", StringComparison.Ordinal));
        }
        else
        {
            await page.Locator("#allow").ClickAsync(); // its navigation is aborted above
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (answer is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the provider did not answer the consent");
            await Task.Delay(100, Ct);
        }
        await page.UnrouteAsync(consent);
        Assert.StartsWith(web.BaseUrl + "/oauth/callback?", answer, StringComparison.Ordinal);
        return answer;
    }

    /// <summary>A poll of the record succeeds, takes the remote mailbox's mail and delivers the message with <paramref name="subject"/>.</summary>
    private async Task PollDeliversAsync(string account, string user, string subject)
    {
        var poll = await web.RpollAsync("rpop", "poll", account, "home", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(0, await web.OAuth.Server.CountAsync(user, cancellationToken: Ct));
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(web.DataDir, "mail"), "*", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains("Subject: " + subject, StringComparison.Ordinal));
    }

    /// <summary>An account whose user may change its records, with an oauth2 RPOP record "home" on the OAuth Dovecot.</summary>
    private async Task<(string Account, string User)> NewRpopRecordAsync()
    {
        var user = "o" + Guid.NewGuid().ToString("N")[..10];
        var account = $"{user}@example.test";
        // Known to the passwd-file only so that doveadm can find the mailbox; the sessions sign in with tokens.
        await web.OAuth.Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await web.RpollOkAsync(null, "account", "set", account, "--can-modify-rpop", "yes");
        await web.RpollOkAsync(null, "rpop", "set", account, "home", "--host", $"127.0.0.1:{web.OAuth.Server.Pop3Port}", "--user", user,
            "--auth", "oauth2", "--oauth-provider", OAuthWebNode.Provider, "--every", "disabled");
        return (account, user);
    }
}
