using System.Net;
using Microsoft.Playwright;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Web.Tests;

/// <summary>
/// The WebAdmin and WebUser pages in headless Chromium against a real node: sign-in, the module settings page, the
/// account Remote Poll page (RPOP table, RIMAP forms, Try Now), CanModifyRPOP, CSRF, and the operators' endpoints.
/// </summary>
public sealed class WebUiTests(WebNode web) : IClassFixture<WebNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Module_settings_page_shows_every_setting_refuses_a_bad_value_beside_its_field_and_updates()
    {
        var page = await web.SignInWithTokenAsync(web.ServerToken());
        await page.GotoAsync(web.BaseUrl + "/settings/mail/remote-poll");
        foreach (var label in new[] { "Log", "Processes", "Use APOP", "Source IP Address", "Use Domain IP Addresses", "Delay Failed Hosts", "Delay Failed Account", "Allow Self-Poll" })
            Assert.Equal(1, await page.GetByLabel(label, new() { Exact = true }).CountAsync());
        Assert.Equal(["crashes-only", "failures", "major", "problems", "low-level", "all-info"],
            await page.Locator("#log option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));

        // A bad value: shown beside its field, and nothing changes (not even the good field sent with it).
        await page.Locator("#processes").FillAsync("many");
        await page.Locator("#log").SelectOptionAsync("problems");
        await page.Locator("#update").ClickAsync();
        Assert.Contains("'many' is not a whole number", await page.Locator("#processes-error").InnerTextAsync());
        await page.GotoAsync(web.BaseUrl + "/settings/mail/remote-poll");
        Assert.Equal("major", await page.Locator("#log").InputValueAsync());

        await page.Locator("#source-ip").FillAsync("300.1.2.3");
        await page.Locator("#update").ClickAsync();
        Assert.Contains("neither 'auto' nor an IP address", await page.Locator("#source-ip-error").InnerTextAsync());

        await page.Locator("#source-ip").FillAsync("auto");
        await page.Locator("#processes").FillAsync("25");
        await page.Locator("#delay-failed-hosts").SelectOptionAsync("20m");
        await page.Locator("#allow-self-poll").CheckAsync();
        await page.Locator("#update").ClickAsync();
        Assert.Contains("Updated", await page.Locator(".notice").InnerTextAsync());
        await page.GotoAsync(web.BaseUrl + "/settings/mail/remote-poll");
        Assert.Equal("25", await page.Locator("#processes").InputValueAsync());
        Assert.Equal("20m", await page.Locator("#delay-failed-hosts").InputValueAsync());
        Assert.True(await page.Locator("#allow-self-poll").IsCheckedAsync());
        await page.ScreenshotAsync(new() { Path = WebNode.Screenshot("module-settings"), FullPage = true });
    }

    [Fact]
    public async Task Rpop_table_creates_in_the_last_row_shows_errors_beside_fields_and_removes_with_Never()
    {
        const string account = "carol@example.test";
        var page = await web.SignInWithTokenAsync(web.ServerToken());
        await page.GotoAsync(web.AccountUrl(account));
        foreach (var column in new[] { "Name", "Poll Every", "Account", "at Host", "Password", "Leave", "APOP", "TLS", "Mailbox", "Last", "Error" })
            Assert.Equal(1, await page.Locator("#rpop thead th", new() { HasTextString = column }).First.CountAsync());
        Assert.Equal(0, await page.Locator("#rpop thead th", new() { HasTextString = "Special" }).CountAsync()); // not postmaster

        // The empty last row creates a record.
        await FillRpopRowAsync(page, 0, "home", "Disabled", "carol", "pop.example.test:1110", "remote-pw-1");
        await page.Locator("#rpop-0-leave").CheckAsync();
        await page.Locator("#rpop-0-tls").SelectOptionAsync("starttls");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        var home = page.Locator("#rpop tbody tr[data-name='home']");
        Assert.Equal("Disabled", await home.Locator("#rpop-0-every").InputValueAsync());
        Assert.True(await page.Locator("#rpop-0-leave").IsCheckedAsync());
        Assert.Equal("starttls", await page.Locator("#rpop-0-tls").InputValueAsync()); // TLS: no, TLS or STARTTLS
        Assert.DoesNotContain("remote-pw-1", await page.ContentAsync()); // passwords are write-only
        Assert.Equal("", await page.Locator("#rpop-0-password").InputValueAsync());

        // A failed poll: Last keeps the time of the last success (none yet), Error says why, as for RIMAP records.
        var poll = await RpollCli.RunAsync(web.Node.Port, null, "rpop", "poll", account, "home", "--wait");
        Assert.True(poll.ExitCode == 4, poll.StandardOutput + poll.StandardError);
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Equal("not yet polled", (await page.Locator("#rpop-0-last").InnerTextAsync()).Trim());
        Assert.StartsWith("ConnectionFailed: ", (await page.Locator("#rpop-0-error").InnerTextAsync()).Trim());

        // A bad new row: errors beside its fields, and the set is unchanged.
        await FillRpopRowAsync(page, 1, "office", "10m", "", "bad host name!", "pw");
        await page.Locator("#rpop-1-mailbox").FillAsync("a//b");
        await page.Locator("#rpop-update").ClickAsync();
        var office = page.Locator("#rpop-row-1");
        Assert.Contains("is", await office.Locator("td:nth-child(3) .error").InnerTextAsync()); // Account
        Assert.NotEqual("", await office.Locator("td:nth-child(4) .error").InnerTextAsync()); // at Host
        Assert.Contains("empty folder name", await office.Locator("td:nth-child(9) .error").InnerTextAsync()); // Mailbox
        Assert.Equal("office", await page.Locator("#rpop-1-name").InputValueAsync()); // what was typed is kept
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Equal(0, await page.Locator("#rpop tbody tr[data-name='office']").CountAsync());

        // A name without a polling period creates nothing and says why.
        await FillRpopRowAsync(page, 1, "later", "Never", "carol", "pop.example.test", "pw");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("select a polling period", await page.Locator("#rpop-row-1").InnerTextAsync());

        // Never removes the record.
        await page.GotoAsync(web.AccountUrl(account));
        await page.Locator("#rpop-0-every").SelectOptionAsync("Never");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#rpop tbody tr[data-name='home']").CountAsync());
    }

    [Fact]
    public async Task Rimap_record_from_the_last_form_polls_on_Try_Now_and_the_button_is_hidden_while_the_order_is_active()
    {
        const string account = "bob@example.test"; // a Dovecot user: the mirror is stored in its mailbox over IMAP
        await web.Dovecot.InjectAsync("alice", "From: a@example.test\r\nTo: alice@example.test\r\nSubject: for the mirror\r\n\r\nhello\r\n", cancellationToken: Ct);
        var page = await web.SignInWithTokenAsync(web.ServerToken());
        await SetModuleAsync(page, processes: "0"); // orders wait: the module does not poll

        await page.GotoAsync(web.AccountUrl(account));
        await page.Locator("#rimap-0-name").FillAsync("work");
        await page.Locator("#rimap-0-every").SelectOptionAsync("Disabled");
        await page.Locator("#rimap-0-account").FillAsync("alice");
        await page.Locator("#rimap-0-host").FillAsync($"127.0.0.1:{web.Dovecot.ImapPort}");
        await page.Locator("#rimap-0-password").FillAsync(WebNode.UserPassword);
        await page.Locator("#rimap-0-security").SelectOptionAsync("STARTTLS");
        await page.Locator("#rimap-0-auth").SelectOptionAsync("Encrypted");
        await page.Locator("#rimap-0-filter").FillAsync("INBOX*");
        await page.Locator("#rimap-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        var work = page.Locator("fieldset[data-name='work']");
        Assert.Equal("STARTTLS", await work.Locator("#rimap-0-security").InputValueAsync());
        Assert.Equal("Encrypted", await work.Locator("#rimap-0-auth").InputValueAsync());
        Assert.Equal(0, await work.GetByText("Error", new() { Exact = true }).CountAsync()); // no error yet: no Error field
        Assert.Equal(1, await page.Locator("fieldset").Last.Locator("#rimap-1-name").CountAsync()); // the empty last form

        await page.Locator("#rimap-0-try-now").ClickAsync();
        Assert.Contains("ordered", await page.Locator("#notice").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#rimap-0-try-now").CountAsync()); // hidden while the order is active
        Assert.Contains("poll ordered", await page.Locator("#rimap-0-order").InnerTextAsync());

        await SetModuleAsync(page, processes: "10");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await page.GotoAsync(web.AccountUrl(account));
            if (await page.Locator("#rimap-0-try-now").CountAsync() == 1) break;
            Assert.True(DateTime.UtcNow < deadline, "the order was not served in 90 s:\n" + web.Node.Log[^Math.Min(4000, web.Node.Log.Length)..]);
            await Task.Delay(1000, Ct);
        }
        var error = page.Locator("#rimap-0-error");
        Assert.True(await error.CountAsync() == 0, "the ordered poll failed: " + (await error.CountAsync() == 0 ? "" : await error.InnerTextAsync()));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (await page.Locator("#rimap-0-last").InnerTextAsync()).Trim());
        Assert.Contains(await web.Dovecot.ListFoldersAsync("bob", Ct), f => f.StartsWith("work", StringComparison.Ordinal));
        await FillRpopRowAsync(page, 0, "home", "Disabled", "bob", "pop.example.test", "pw-3");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Equal(1, await page.Locator("#rpop tbody tr[data-name='home']").CountAsync());
        await page.ScreenshotAsync(new() { Path = WebNode.Screenshot("account-remote-poll"), FullPage = true });

        var metrics = await web.Http.GetStringAsync("/metrics", Ct);
        Assert.Matches(@"remotepoll_polls_total\{[^}]*kind=""RIMAP""[^}]*outcome=""ok""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"remotepoll_messages_total\{[^}]*kind=""RIMAP""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"remotepoll_received_bytes_total\{[^}]*kind=""RIMAP""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"remotepoll_poll_lateness_seconds_count\{[^}]*kind=""RIMAP""[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task Account_user_signs_in_with_the_mail_password_and_changes_records_only_with_CanModifyRPOP()
    {
        const string account = "alice@example.test";
        var page = await web.Browser.NewPageAsync();
        await page.GotoAsync(web.BaseUrl + "/");
        await page.Locator("#account").FillAsync(account);
        await page.Locator("#password").FillAsync("wrong-password");
        await page.Locator("#password-submit").ClickAsync();
        Assert.Contains("wrong", await page.Locator("#password-error").InnerTextAsync());

        await page.Locator("#account").FillAsync(account);
        await page.Locator("#password").FillAsync(WebNode.UserPassword);
        await page.Locator("#password-submit").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/account/alice%40example.test/mail/remote-poll", StringComparison.Ordinal));
        Assert.Equal(1, await page.Locator("#read-only").CountAsync());

        // Without CanModifyRPOP the admin API refuses the change and nothing is created.
        await FillRpopRowAsync(page, 0, "mine", "Disabled", "alice", "pop.example.test", "pw-2");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("CanModifyRPOP", await page.Locator("main").InnerTextAsync());
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Equal(0, await page.Locator("#rpop tbody tr[data-name='mine']").CountAsync());

        // Nor may the user open another account's page.
        await page.GotoAsync(web.AccountUrl("carol@example.test"));
        Assert.Contains("permission denied", await page.Locator("#refusal").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#rpop").CountAsync());

        // An administrator allows it; then the same change is accepted.
        var admin = await web.SignInWithTokenAsync(web.ServerToken());
        await admin.GotoAsync(web.AccountUrl(account));
        await admin.Locator("#can-modify-rpop").CheckAsync();
        await admin.Locator("#account-settings-update").ClickAsync();
        Assert.Contains("may now change", await admin.Locator("#notice").InnerTextAsync());

        await page.GotoAsync(web.AccountUrl(account));
        await FillRpopRowAsync(page, 0, "mine", "Disabled", "alice", "pop.example.test", "pw-2");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        Assert.Equal(1, await page.Locator("#rpop tbody tr[data-name='mine']").CountAsync());
    }

    [Fact]
    public async Task Sign_in_refuses_a_forged_token_and_a_post_without_the_antiforgery_token_changes_nothing()
    {
        var stranger = await web.Browser.NewPageAsync();
        await stranger.GotoAsync(web.BaseUrl + "/settings/mail/remote-poll");
        Assert.Contains("/signin", stranger.Url, StringComparison.Ordinal);
        await stranger.Locator("#token").FillAsync(web.ServerToken()[..^4] + "AAAA");
        await stranger.Locator("#token-submit").ClickAsync();
        Assert.Contains("not signed with this cluster's secret", await stranger.Locator("#token-error").InnerTextAsync());

        const string account = "dave@example.test";
        var page = await web.SignInWithTokenAsync(web.ServerToken());
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "rpoll.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);

        // The signed-in browser's session cookie, but no antiforgery token: refused, and no record is created.
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (k, v) in new Dictionary<string, string>
                 {
                     ["Rpop[0].Name"] = "forged", ["Rpop[0].Every"] = "Disabled", ["Rpop[0].AuthName"] = "x",
                     ["Rpop[0].Host"] = "pop.example.test", ["Rpop[0].Password"] = "pw",
                 })
            form.Set(k, v);
        var response = await page.Context.APIRequest.PostAsync(web.AccountUrl(account) + "?handler=Rpop", new() { Form = form });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        await page.GotoAsync(web.AccountUrl(account));
        Assert.Equal(0, await page.Locator("#rpop tbody tr[data-name='forged']").CountAsync());

        // Every form on the pages carries the token.
        foreach (var url in new[] { web.AccountUrl(account), web.BaseUrl + "/settings/mail/remote-poll" })
        {
            await page.GotoAsync(url);
            foreach (var f in await page.Locator("form[method='post']").AllAsync())
                Assert.Equal(1, await f.Locator("input[name='__RequestVerificationToken']").CountAsync());
        }
    }

    [Fact]
    public async Task Metrics_and_health_are_served_for_monitoring()
    {
        var live = await web.Http.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await web.Http.GetAsync("/health/ready", Ct);
        var readyText = await ready.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("cluster-member: Healthy", readyText);
        Assert.Contains("journal: Healthy", readyText);

        var metrics = await web.Http.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var text = await metrics.Content.ReadAsStringAsync(Ct);
        Assert.Matches(@"(?m)^remotepoll_connections_limit\{[^}]*\} \d+", text);
        Assert.Matches(@"(?m)^remotepoll_connections_in_use\{[^}]*\} \d+", text);
        Assert.Matches(@"(?m)^remotepoll_hosts_failed\{[^}]*\} \d+", text);
        Assert.Contains("# TYPE remotepoll_connections_in_use gauge", text);
        // No session needed for the operators' endpoints; the pages do need one.
        var pageWithoutSession = await web.Http.GetAsync("/settings/mail/remote-poll", Ct);
        Assert.Contains("/signin", pageWithoutSession.RequestMessage!.RequestUri!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_changed_in_the_form_without_a_password_voids_the_stored_one()
    {
        const string account = "erin@example.test";
        var page = await web.SignInWithTokenAsync(web.ServerToken());
        await page.GotoAsync(web.AccountUrl(account));
        await FillRpopRowAsync(page, 0, "home", "Disabled", "erin", "pop.example.test:1110", "erin-pw-1");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        Assert.Contains("erin-pw-1", await ExportAsync(account));

        // Issue 16.3: the form keeps the password field empty; moving the record elsewhere must not take the password along.
        await page.Locator("#rpop-0-host").FillAsync("pop.attacker.test");
        await page.Locator("#rpop-update").ClickAsync();
        Assert.Contains("updated", await page.Locator("#notice").InnerTextAsync());
        var export = await ExportAsync(account);
        Assert.Contains("pop.attacker.test", export);
        Assert.DoesNotContain("password", export);
    }

    /// <summary>The account's RPOP records as a server administrator exports them, passwords included.</summary>
    private async Task<string> ExportAsync(string account)
    {
        var r = await RpollCli.RunAsync(web.Node.Port, null, "cgp", "GETACCOUNTRPOPS", account, "--with-passwords");
        Assert.True(r.ExitCode == 0, r.StandardError);
        return r.StandardOutput;
    }

    private static async Task FillRpopRowAsync(IPage page, int row, string name, string every, string account, string host, string password)
    {
        await page.Locator($"#rpop-{row}-name").FillAsync(name);
        await page.Locator($"#rpop-{row}-every").SelectOptionAsync(every);
        await page.Locator($"#rpop-{row}-account").FillAsync(account);
        await page.Locator($"#rpop-{row}-host").FillAsync(host);
        await page.Locator($"#rpop-{row}-password").FillAsync(password);
    }

    private async Task SetModuleAsync(IPage page, string processes)
    {
        await page.GotoAsync(web.BaseUrl + "/settings/mail/remote-poll");
        await page.Locator("#processes").FillAsync(processes);
        await page.Locator("#allow-self-poll").CheckAsync();
        await page.Locator("#update").ClickAsync();
        // The notice comes once the admin API answered, and module set answers once every node holds the change.
        Assert.Equal(1, await page.Locator(".notice").CountAsync());
    }
}
