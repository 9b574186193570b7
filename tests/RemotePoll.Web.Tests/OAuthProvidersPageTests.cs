using System.Net;
using Microsoft.Playwright;
using RemotePoll.Testing.OAuth;

namespace RemotePoll.Web.Tests;

/// <summary>
/// Issue 17 part 1 on the web: the OAuth2 providers on Settings → Mail → Remote Poll, for server administrators only.
/// Listed without their client secrets, added and changed with the rules and defaults of <c>rpoll oauth provider set</c>
/// (an empty secret field keeps the stored secret), removed only while no record uses them.
/// </summary>
public sealed class OAuthProvidersPageTests(OAuthWebNode web) : IClassFixture<OAuthWebNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string SettingsUrl => web.BaseUrl + "/settings/mail/remote-poll";

    [Fact]
    public async Task A_google_provider_is_added_with_the_kinds_defaults_and_listed_without_its_secret()
    {
        const string secret = "gsecret-must-never-show-1";
        var page = await web.SignInAsync(web.ServerToken());
        var html = new List<string>();
        await page.GotoAsync(SettingsUrl);
        Assert.Equal(1, await page.Locator($"#providers tr[data-name='{OAuthWebNode.Provider}']").CountAsync()); // the CLI's, listed here too

        await page.Locator("#provider-name").FillAsync("gmail");
        await page.Locator("#provider-kind").SelectOptionAsync("google");
        await page.Locator("#provider-client-id").FillAsync("123.apps.googleusercontent.com");
        await page.Locator("#provider-client-secret").FillAsync(secret);
        await page.Locator("#provider-save").ClickAsync();
        Assert.Contains("gmail saved", await page.Locator(".notice").InnerTextAsync());
        html.Add(await page.ContentAsync());

        var row = page.Locator("#providers tr[data-name='gmail']");
        Assert.Equal("google", (await row.Locator(".kind").InnerTextAsync()).Trim());
        Assert.Equal("user", (await row.Locator(".grant").InnerTextAsync()).Trim());
        Assert.Equal("123.apps.googleusercontent.com", (await row.Locator(".client-id").InnerTextAsync()).Trim());
        Assert.Equal("set", (await row.Locator(".client-secret").InnerTextAsync()).Trim());
        Assert.Equal("https://mail.google.com/", (await row.Locator(".scopes").InnerTextAsync()).Trim());
        var endpoints = await row.Locator(".endpoints").InnerTextAsync();
        foreach (var e in new[] { "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
                     "https://oauth2.googleapis.com/device/code", "https://oauth2.googleapis.com/revoke" })
            Assert.Contains(e, endpoints);
        // The registry holds what the CLI would have made of the same options.
        var shown = await web.RpollOkAsync(null, "oauth", "provider", "show", "gmail");
        Assert.Contains("https://oauth2.googleapis.com/token", shown);
        Assert.DoesNotContain(secret, shown);

        // The change form is filled in with the provider, but never with its secret.
        await row.Locator("a.change").ClickAsync();
        Assert.Equal("123.apps.googleusercontent.com", await page.Locator("#provider-client-id").InputValueAsync());
        Assert.Equal("", await page.Locator("#provider-client-secret").InputValueAsync());
        html.Add(await page.ContentAsync());
        Assert.DoesNotContain(html, h => h.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, web.Node.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_fields_are_refused_beside_them_with_the_CLIs_rules_and_nothing_is_saved()
    {
        const string secret = "bad-form-secret-2";
        var page = await web.SignInAsync(web.ServerToken());
        await page.GotoAsync(SettingsUrl);
        await page.Locator("#provider-name").FillAsync("broken");
        await page.Locator("#provider-kind").SelectOptionAsync("generic");
        await page.Locator("#provider-client-id").FillAsync("cid");
        await page.Locator("#provider-client-secret").FillAsync(secret);
        await page.Locator("#provider-authorization-endpoint").FillAsync("http://auth.example.test/authorize");
        await page.Locator("#provider-save").ClickAsync();

        Assert.Contains("must use https", await page.Locator("#provider-authorization-endpoint-error").InnerTextAsync());
        Assert.Contains("is required for a generic provider", await page.Locator("#provider-token-endpoint-error").InnerTextAsync());
        Assert.Equal("broken", await page.Locator("#provider-name").InputValueAsync()); // what was typed is kept ...
        Assert.Equal("", await page.Locator("#provider-client-secret").InputValueAsync()); // ... but the secret
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.Equal(0, await page.Locator("#providers tr[data-name='broken']").CountAsync());
        var list = await web.RpollOkAsync(null, "oauth", "provider", "list");
        Assert.DoesNotContain("broken", list);
    }

    [Fact]
    public async Task A_change_with_the_secret_field_empty_keeps_the_stored_secret_and_the_records_still_sign_in()
    {
        // A provider registered on the page with the test server's real client secret; a record with a grant uses it.
        var p = web.OAuth.Provider;
        var page = await web.SignInAsync(web.ServerToken());
        await page.GotoAsync(SettingsUrl);
        await page.Locator("#provider-name").FillAsync("kept");
        await page.Locator("#provider-kind").SelectOptionAsync("generic");
        await page.Locator("#provider-client-id").FillAsync(OAuthDovecotFixture.ClientId);
        await page.Locator("#provider-client-secret").FillAsync(web.OAuth.ClientSecret);
        await page.Locator("#provider-authorization-endpoint").FillAsync(p.AuthorizationEndpoint);
        await page.Locator("#provider-token-endpoint").FillAsync(p.TokenEndpoint);
        await page.Locator("#provider-scopes").FillAsync("mail");
        await page.Locator("#provider-save").ClickAsync();
        Assert.Contains("kept saved", await page.Locator(".notice").InnerTextAsync());

        // Changed: new scopes, the secret field left empty.
        await page.Locator("#providers tr[data-name='kept'] a.change").ClickAsync();
        await page.Locator("#provider-scopes").FillAsync("mail offline_access");
        await page.Locator("#provider-save").ClickAsync();
        var row = page.Locator("#providers tr[data-name='kept']");
        Assert.Equal("mail offline_access", (await row.Locator(".scopes").InnerTextAsync()).Trim());
        Assert.Equal("set", (await row.Locator(".client-secret").InnerTextAsync()).Trim());

        // The stored secret is still the one the provider knows: a refresh with it succeeds and the poll signs in.
        var user = "o" + Guid.NewGuid().ToString("N")[..10];
        var account = $"{user}@example.test";
        await web.OAuth.Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        await web.OAuth.Server.InjectAsync(user, "From: a@example.test\r\nTo: b@example.test\r\nSubject: kept secret\r\n\r\nhello\r\n", cancellationToken: Ct);
        var grant = p.IssueGrant(user, OAuthDovecotFixture.ClientId).RefreshToken;
        await web.RpollOkAsync($"{{home = {{ domain = \"127.0.0.1:{web.OAuth.Server.Pop3Port}\"; authName = \"{user}\"; authMethod = OAuth2; " +
            $"oauthProvider = kept; oauthGrant = \"{grant}\"; period = Disabled; }};}}", "cgp", "SETACCOUNTRPOPS", account, "-");
        var refreshes = p.Refreshes;
        var poll = await web.RpollAsync("rpop", "poll", account, "home", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains("1 message", poll.StandardOutput);
        Assert.Equal(refreshes + 1, p.Refreshes);
        Assert.DoesNotContain(web.OAuth.ClientSecret, await page.ContentAsync());
    }

    [Fact]
    public async Task Remove_is_refused_naming_the_records_that_use_the_provider_as_the_CLI_says_and_removes_an_unused_one()
    {
        var page = await web.SignInAsync(web.ServerToken());
        await AddGenericAsync(page, "inuse");
        await AddGenericAsync(page, "unused");
        const string account = "rm@example.test";
        await web.RpollOkAsync(null, "rpop", "set", account, "home", "--host", "127.0.0.1:1110", "--user", "rm",
            "--auth", "oauth2", "--oauth-provider", "inuse", "--every", "disabled");

        await page.GotoAsync(SettingsUrl);
        await page.Locator("#providers tr[data-name='inuse'] button.remove").ClickAsync();
        var refusal = (await page.Locator("#provider-refusal").InnerTextAsync()).Trim();
        Assert.Contains($"'inuse' is used by 1 record: {account} rpop home", refusal);
        var cli = await web.RpollAsync("oauth", "provider", "remove", "inuse");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains(refusal, cli.StandardError); // the same words as the CLI's
        Assert.Equal(1, await page.Locator("#providers tr[data-name='inuse']").CountAsync());

        await page.Locator("#providers tr[data-name='unused'] button.remove").ClickAsync();
        Assert.Contains("unused removed", await page.Locator(".notice").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#providers tr[data-name='unused']").CountAsync());
        Assert.DoesNotContain("unused", await web.RpollOkAsync(null, "oauth", "provider", "list"));
    }

    [Fact]
    public async Task Domain_administrators_and_users_see_no_providers_and_their_posts_are_forbidden()
    {
        var admin = await web.SignInAsync(web.ServerToken());
        await admin.GotoAsync(SettingsUrl);
        Assert.Equal(1, await admin.Locator("#oauth-providers").CountAsync());

        foreach (var token in new[] { web.DomainToken("example.test"), web.UserToken("who@example.test") })
        {
            var page = await web.SignInAsync(token);
            await page.GotoAsync(SettingsUrl);
            var html = await page.ContentAsync();
            Assert.Equal(0, await page.Locator("#oauth-providers").CountAsync());
            Assert.DoesNotContain(OAuthWebNode.Provider, html);
            Assert.DoesNotContain(OAuthDovecotFixture.ClientId, html);

            // A post with this session's own antiforgery token (CSRF passes): the page itself refuses it.
            var verification = await AntiforgeryTokenAsync(page);
            foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
                     {
                         ("Provider", new() { ["Provider.Name"] = "sneaky", ["Provider.Kind"] = "google", ["Provider.Grant"] = "user", ["Provider.ClientId"] = "x" }),
                         ("RemoveProvider", new() { ["name"] = OAuthWebNode.Provider }),
                     })
            {
                var form = page.Context.APIRequest.CreateFormData();
                form.Set("__RequestVerificationToken", verification);
                foreach (var (k, v) in fields) form.Set(k, v);
                var response = await page.Context.APIRequest.PostAsync($"{SettingsUrl}?handler={handler}", new() { Form = form, MaxRedirects = 0 });
                Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
            }
        }
        var list = await web.RpollOkAsync(null, "oauth", "provider", "list");
        Assert.DoesNotContain("sneaky", list);
        Assert.Contains(OAuthWebNode.Provider, list);
    }

    [Fact]
    public async Task A_provider_post_without_the_antiforgery_token_changes_nothing()
    {
        var page = await web.SignInAsync(web.ServerToken());
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (k, v) in new Dictionary<string, string> { ["Provider.Name"] = "forged", ["Provider.Kind"] = "google", ["Provider.Grant"] = "user", ["Provider.ClientId"] = "x" })
            form.Set(k, v);
        var response = await page.Context.APIRequest.PostAsync($"{SettingsUrl}?handler=Provider", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        var removal = page.Context.APIRequest.CreateFormData();
        removal.Set("name", OAuthWebNode.Provider);
        response = await page.Context.APIRequest.PostAsync($"{SettingsUrl}?handler=RemoveProvider", new() { Form = removal, MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        var list = await web.RpollOkAsync(null, "oauth", "provider", "list");
        Assert.DoesNotContain("forged", list);
        Assert.Contains(OAuthWebNode.Provider, list);
    }

    private async Task AddGenericAsync(IPage page, string name)
    {
        await page.GotoAsync(SettingsUrl);
        await page.Locator("#provider-name").FillAsync(name);
        await page.Locator("#provider-kind").SelectOptionAsync("generic");
        await page.Locator("#provider-client-id").FillAsync("cid-" + name);
        await page.Locator("#provider-token-endpoint").FillAsync(web.OAuth.Provider.TokenEndpoint);
        await page.Locator("#provider-authorization-endpoint").FillAsync(web.OAuth.Provider.AuthorizationEndpoint);
        await page.Locator("#provider-scopes").FillAsync("mail");
        await page.Locator("#provider-save").ClickAsync();
        Assert.Contains($"{name} saved", await page.Locator(".notice").InnerTextAsync());
    }

    /// <summary>The antiforgery token the page's forms carry for this browser session.</summary>
    private static async Task<string> AntiforgeryTokenAsync(IPage page)
    {
        var field = page.Locator("input[name='__RequestVerificationToken']").First;
        Assert.Equal(1, await field.CountAsync());
        return await field.InputValueAsync();
    }
}
