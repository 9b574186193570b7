using Microsoft.Playwright;

namespace RemotePoll.Web.Tests;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by tests/install-deps), headless, driven by Playwright; no
/// browser is downloaded. Screenshots go to <see cref="ArtifactsDirectory"/>.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Chromium = browser;
    }

    public IBrowser Chromium { get; }

    /// <summary>tests/artifacts/web under the repository: the screenshots of the two main pages.</summary>
    public static string ArtifactsDirectory { get; } =
        Directory.CreateDirectory(Path.Combine(Testing.Nodes.BuiltPrograms.RepoRoot, "tests", "artifacts", "web")).FullName;

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new FileNotFoundException("Chromium is missing: run tests/install-deps (apt-get install chromium)", ChromiumPath);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", // Playwright gives it an empty --user-data-dir of its own
            ],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A fresh browser session (its own cookies).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.CloseAsync();
        _playwright.Dispose();
    }
}
