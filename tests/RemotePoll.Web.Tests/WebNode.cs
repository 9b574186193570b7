using System.Net;
using Microsoft.Playwright;
using RemotePoll.Core.Security;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Web.Tests;

/// <summary>
/// A real node with its web UI on a free loopback port, beside a private Dovecot that is both the remote POP3/IMAP
/// server and the node's local IMAP store (so account users sign in with their mail password), and a headless Chromium.
/// Tokens are signed with the node's own cluster secret, as <c>rpoll token issue --secret-file</c> does.
/// </summary>
public sealed class WebNode : IAsyncLifetime
{
    public const string UserPassword = "user-secret-1";

    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-web-").FullName;
    private readonly int[] _ports = FreePorts.Take(2);
    private ClusterSecret _secret = null!;

    public DovecotServer Dovecot { get; private set; } = null!;
    public NodeProcess Node { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;
    public string BaseUrl => $"http://127.0.0.1:{_ports[1]}";
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask InitializeAsync()
    {
        Dovecot = await DovecotServer.StartAsync(new DovecotOptions
        {
            Users = new Dictionary<string, string> { ["alice"] = UserPassword, ["bob"] = UserPassword },
        });
        _secret = SecretFiles.Create(Path.Combine(_data, ClusterSecret.FileName)); // the node reads the same DATA/cluster.secret
        Http.BaseAddress = new Uri(BaseUrl);
        Node = await NodeProcess.StartAsync(_data, _ports[0],
            ["--web", $"127.0.0.1:{_ports[1]}", "--store", $"imap://127.0.0.1:{Dovecot.ImapPort}", "--ca-file", Dovecot.CaCertificatePath],
            new Dictionary<string, string> { ["RPOLL_STORE_USER"] = Dovecot.MasterUser, ["RPOLL_STORE_PASSWORD"] = Dovecot.MasterPassword });
        await WebPages.WaitReadyAsync(BaseUrl, Node);
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (Node is not null) await Node.DisposeAsync();
        if (Dovecot is not null) await Dovecot.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    public string ServerToken() => _secret.Signer().Issue(Caller.ServerAdministrator, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public string UserToken(string account) =>
        _secret.Signer().Issue(Caller.Create(CallerRole.User, null, account), DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    /// <summary>A new browser session signed in with <paramref name="token"/> through the sign-in page.</summary>
    public Task<IPage> SignInWithTokenAsync(string token) => WebPages.SignInAsync(Browser, BaseUrl, token);

    public string AccountUrl(string account) => $"{BaseUrl}/account/{Uri.EscapeDataString(account)}/mail/remote-poll";

    public static string Screenshot(string name) => Path.Combine(Browser.ArtifactsDirectory, name + ".png");
}
