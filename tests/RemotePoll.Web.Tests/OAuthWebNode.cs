using Microsoft.Playwright;
using RemotePoll.Core.Security;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.OAuth;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Web.Tests;

/// <summary>
/// A real node with its web UI, the test OAuth2 provider registered as <see cref="Provider"/>, a Dovecot that takes the
/// provider's bearer tokens as the remote POP3/IMAP server, and a headless Chromium. The browser reaches the node as
/// <c>http://localhost:PORT</c> while the provider is <c>http://127.0.0.1:PORT</c>: two different sites, so the
/// provider's redirect back is a cross-site navigation, as with Google or Microsoft (the SameSite rules apply).
/// </summary>
public sealed class OAuthWebNode : IAsyncLifetime
{
    public const string Provider = "testid";

    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-oauthweb-").FullName;
    private readonly int[] _ports = FreePorts.Take(2);
    private ClusterSecret _secret = null!;

    public OAuthDovecotFixture OAuth { get; } = new();
    public NodeProcess Node { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;
    public string BaseUrl => $"http://localhost:{_ports[1]}";
    public string DataDir => _data;

    public async ValueTask InitializeAsync()
    {
        await OAuth.InitializeAsync();
        _secret = SecretFiles.Create(Path.Combine(_data, ClusterSecret.FileName)); // the node reads the same DATA/cluster.secret
        Node = await NodeProcess.StartAsync(_data, _ports[0], ["--web", $"127.0.0.1:{_ports[1]}"]);
        await WebPages.WaitReadyAsync(BaseUrl, Node);
        // The OAuth Dovecot is on this machine's own address; All Info so the no-token-in-the-log checks see every line.
        await RpollOkAsync(null, "module", "set", "allow-self-poll", "yes");
        await RpollOkAsync(null, "module", "set", "log", "all-info");
        var p = OAuth.Provider;
        await RpollOkAsync(OAuth.ClientSecret + "\n", "oauth", "provider", "set", Provider, "--kind", "generic",
            "--client-id", OAuthDovecotFixture.ClientId, "--client-secret-stdin", "--authorization-endpoint", p.AuthorizationEndpoint,
            "--token-endpoint", p.TokenEndpoint, "--revocation-endpoint", p.RevocationEndpoint, "--scopes", "mail openid email");
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (Node is not null) await Node.DisposeAsync();
        await OAuth.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    public string ServerToken() => _secret.Signer().Issue(Caller.ServerAdministrator, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public string UserToken(string account) =>
        _secret.Signer().Issue(Caller.Create(CallerRole.User, null, account), DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public string DomainToken(string domain) =>
        _secret.Signer().Issue(Caller.Create(CallerRole.Domain, domain, null), DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    /// <summary>A new browser session signed in with <paramref name="token"/> through the sign-in page.</summary>
    public Task<IPage> SignInAsync(string token) => WebPages.SignInAsync(Browser, BaseUrl, token);

    public string AccountUrl(string account) => $"{BaseUrl}/account/{Uri.EscapeDataString(account)}/mail/remote-poll";

    public async Task<string> RpollOkAsync(string? stdin, params string[] args)
    {
        var r = await RpollCli.RunAsync(Node.Port, stdin, args);
        Assert.True(r.ExitCode == 0, $"rpoll {string.Join(' ', args)}: exit {r.ExitCode}\n{r.StandardError}{r.StandardOutput}");
        return r.StandardOutput;
    }

    public Task<CommandResult> RpollAsync(params string[] args) => RpollCli.RunAsync(Node.Port, null, args);
}
