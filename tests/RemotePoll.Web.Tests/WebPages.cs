using System.Net;
using Microsoft.Playwright;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Web.Tests;

/// <summary>What the web fixtures share: waiting for a node's web UI, and a browser session signed in with a token.</summary>
public static class WebPages
{
    /// <summary>Waits until <c>/health/ready</c> answers 200 at <paramref name="baseUrl"/>.</summary>
    public static async Task WaitReadyAsync(string baseUrl, NodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await IsReadyAsync(http))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the web UI on {baseUrl} was not ready:\n{node.Log}");
            await Task.Delay(300);
        }
    }

    /// <summary>A new browser session signed in with <paramref name="token"/> through the sign-in page.</summary>
    public static async Task<IPage> SignInAsync(Browser browser, string baseUrl, string token)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(baseUrl + "/");
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#token-submit").ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/signin", StringComparison.Ordinal));
        return page;
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try { return (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK; }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }
}
