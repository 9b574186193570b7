using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.OAuth;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// A real node beside the OAuth2 fixture (the test authorization server and a Dovecot that checks its tokens), with two
/// registered providers: <c>bearer</c> (generic: OAUTHBEARER where offered) and <c>xo</c> (microsoft kind on the test
/// server's endpoints: XOAUTH2 only). Grants are put on records the way an operator moves them between servers: a
/// CommuniGate dictionary with <c>oauthGrant</c>.
/// </summary>
public abstract class OAuthNodeTest(OAuthDovecotFixture fixture, string name) : IAsyncLifetime
{
    protected readonly OAuthDovecotFixture Fixture = fixture;
    protected readonly string Data = Directory.CreateTempSubdirectory($"rpoll-{name}-").FullName;
    protected readonly int Port = FreePorts.Take(1)[0];
    protected NodeProcess Node = null!;
    protected readonly List<CommandResult> Outputs = [];
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>More node arguments (e.g. a delivery target) beside the test CA.</summary>
    protected virtual string[] NodeArgs => [];

    public virtual async ValueTask InitializeAsync()
    {
        Node = await NodeProcess.StartAsync(Data, Port, ["--ca-file", Fixture.Server.CaCertificatePath, .. NodeArgs]);
        await Ok(null, "module", "set", "allow-self-poll", "yes");
        var secret = Path.Combine(Data, "client.secret");
        await File.WriteAllTextAsync(secret, Fixture.ClientSecret, Ct);
        var p = Fixture.Provider;
        await Ok(null, "oauth", "provider", "set", "bearer", "--kind", "generic", "--client-id", OAuthDovecotFixture.ClientId, "--client-secret-file", secret,
            "--token-endpoint", p.TokenEndpoint, "--authorization-endpoint", p.AuthorizationEndpoint, "--device-endpoint", p.DeviceAuthorizationEndpoint,
            "--scopes", "mail offline_access");
        await Ok(null, "oauth", "provider", "set", "xo", "--kind", "microsoft", "--client-id", OAuthDovecotFixture.ClientId, "--client-secret-file", secret,
            "--token-endpoint", p.TokenEndpoint, "--authorization-endpoint", p.AuthorizationEndpoint, "--device-endpoint", p.DeviceAuthorizationEndpoint);
        File.Delete(secret);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
    }

    protected async Task<CommandResult> Rpoll(string? stdin, params string[] args)
    {
        var r = await RpollCli.RunAsync(Port, stdin, args);
        Outputs.Add(r);
        return r;
    }

    protected async Task<string> Ok(string? stdin, params string[] args)
    {
        var r = await Rpoll(stdin, args);
        Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.StandardError}{r.StandardOutput}");
        return r.StandardOutput;
    }

    /// <summary>A Dovecot user the provider has a consent of: its refresh token.</summary>
    protected async Task<(string User, string RefreshToken)> ConsentedUser()
    {
        var user = "o" + Guid.NewGuid().ToString("N")[..10];
        // Known to the passwd-file only so that doveadm can find the mailbox; the sessions sign in with tokens.
        await Fixture.Server.AddUserAsync(user, "unused-" + Guid.NewGuid().ToString("N"), Ct);
        return (user, Fixture.Provider.IssueGrant(user, OAuthDovecotFixture.ClientId).RefreshToken);
    }

    /// <summary>One OAuth2 record in CommuniGate form; <paramref name="grant"/> null: not connected.</summary>
    protected static string Record(string name, string host, string user, string provider, string? grant, string extra = "") =>
        $"{name} = {{ domain = \"{host}\"; authName = \"{user}\"; authMethod = OAuth2; oauthProvider = {provider}; " +
        $"{(grant is null ? "" : $"oauthGrant = \"{grant}\"; ")}period = Disabled; {extra}}};";

    protected string Pop3 => $"127.0.0.1:{Fixture.Server.Pop3Port}";
    protected string Imap => $"127.0.0.1:{Fixture.Server.ImapPort}";

    protected string[] Delivered(string account, string folder = "")
    {
        var (user, domain) = (account.Split('@')[0], account.Split('@')[1]);
        return new[] { "new", "cur" }.Select(d => Path.Combine(Data, "mail", domain, user, "Maildir", folder, d))
            .Where(Directory.Exists).SelectMany(Directory.GetFiles).ToArray();
    }
}
