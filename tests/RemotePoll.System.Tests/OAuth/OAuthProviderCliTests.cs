using System.Text.Json;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.OAuth;

/// <summary>
/// Issue 17 part 1 through the real rpoll and a real node: providers are registered, shown, listed and removed; the client
/// secret is taken from a file or standard input only and never comes back (text or --json); a provider in use is not removed.
/// </summary>
public sealed class OAuthProviderCliTests : IAsyncLifetime
{
    private const string Secret = "gcs-7f3a91c2-never-shown";
    private const string StdinSecret = "stdin-secret-b8d4e6";
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-oauth-providers-").FullName;
    private readonly int _port = FreePorts.Take(1)[0];
    private NodeProcess _node = null!;
    private readonly List<CommandResult> _outputs = [];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await NodeProcess.StartAsync(_data, _port);

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<CommandResult> Rpoll(string? stdin, params string[] args)
    {
        var r = await RpollCli.RunAsync(_port, stdin, args);
        _outputs.Add(r);
        return r;
    }

    private async Task<string> Ok(string? stdin, params string[] args)
    {
        var r = await Rpoll(stdin, args);
        Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.StandardError}{r.StandardOutput}");
        return r.StandardOutput;
    }

    [Fact]
    public async Task Providers_are_set_shown_listed_and_removed_and_the_client_secret_never_comes_back()
    {
        var secretFile = Path.Combine(_data, "gmail.secret");
        await File.WriteAllTextAsync(secretFile, Secret + "\n", Ct);

        var set = await Ok(null, "oauth", "provider", "set", "gmail", "--kind", "google", "--client-id", "123.apps.example", "--client-secret-file", secretFile);
        Assert.Contains("https://oauth2.googleapis.com/token", set);
        Assert.Contains("(sealed)", set);
        await Ok(StdinSecret + "\n", "oauth", "provider", "set", "corp", "--kind", "generic", "--client-id", "corp-app", "--client-secret-stdin",
            "--token-endpoint", "http://127.0.0.1:9/token", "--authorization-endpoint", "http://127.0.0.1:9/authorize", "--scopes", "mail offline");

        var shown = JsonDocument.Parse(await Ok(null, "oauth", "provider", "show", "GMAIL", "--json")).RootElement.GetProperty("providers")[0];
        Assert.Equal("gmail", shown.GetProperty("name").GetString());
        Assert.Equal("google", shown.GetProperty("kind").GetString());
        Assert.Equal("123.apps.example", shown.GetProperty("clientId").GetString());
        Assert.True(shown.GetProperty("hasClientSecret").GetBoolean());
        Assert.Equal("https://mail.google.com/", shown.GetProperty("scopes").GetString());

        var list = await Ok(null, "oauth", "provider", "list");
        Assert.Contains("gmail", list);
        Assert.Contains("corp", list);
        Assert.Contains("http://127.0.0.1:9/token", list);
        await Ok(null, "oauth", "provider", "list", "--json");

        // Bad input: the field and the reason; nothing registered.
        var bad = await Rpoll(null, "oauth", "provider", "set", "broken", "--kind", "generic", "--client-id", "x", "--scopes", "a");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("TokenEndpoint", bad.StandardError);
        Assert.Equal(1, (await Rpoll(null, "oauth", "provider", "show", "broken")).ExitCode);

        // A record names a provider that exists; an unknown one is a field error naming it.
        var unknown = await Rpoll(null, "rpop", "set", "alice@example.test", "box", "--host", "127.0.0.1:9", "--user", "alice",
            "--auth", "oauth2", "--oauth-provider", "nosuch");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("OAuthProvider", unknown.StandardError);
        Assert.Contains("'nosuch' is not a registered OAuth2 provider", unknown.StandardError);
        await Ok(null, "rpop", "set", "alice@example.test", "box", "--host", "127.0.0.1:9", "--user", "alice", "--every", "disabled",
            "--auth", "oauth2", "--oauth-provider", "Gmail");
        await Ok(null, "rimap", "set", "bob@example.test", "mirror", "--host", "127.0.0.1:9", "--user", "bob", "--every", "disabled",
            "--auth", "oauth2", "--oauth-provider", "gmail");

        var refused = await Rpoll(null, "oauth", "provider", "remove", "gmail");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("alice@example.test rpop box", refused.StandardError);
        Assert.Contains("bob@example.test rimap mirror", refused.StandardError);
        Assert.Contains("gmail", await Ok(null, "oauth", "provider", "list"));

        await Ok(null, "rpop", "remove", "alice@example.test", "box");
        await Ok(null, "rimap", "remove", "bob@example.test", "mirror");
        Assert.Contains("removed", await Ok(null, "oauth", "provider", "remove", "gmail"));
        var gone = await Rpoll(null, "oauth", "provider", "show", "gmail");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("not a registered OAuth2 provider", gone.StandardError);

        foreach (var r in _outputs)
        {
            Assert.DoesNotContain(Secret, r.StandardOutput + r.StandardError);
            Assert.DoesNotContain(StdinSecret, r.StandardOutput + r.StandardError);
        }
        Assert.DoesNotContain(Secret, _node.Log);
        Assert.DoesNotContain(StdinSecret, _node.Log);
    }

    [Fact]
    public async Task Providers_are_for_server_administrators_and_the_secret_is_never_taken_from_the_command_line()
    {
        var domainToken = (await Ok(null, "token", "issue", "--role", "domain", "--domain", "example.test")).Trim();
        var r = await RpollCli.RunWithTokenAsync(_port, domainToken, null, "oauth", "provider", "list");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("permission denied", r.StandardError);

        var onLine = await Rpoll(null, "oauth", "provider", "set", "gmail", "--kind", "google", "--client-id", "x", "--client-secret", "s3cr3t");
        Assert.Equal(2, onLine.ExitCode);
        Assert.Contains("unknown option --client-secret", onLine.StandardError);
    }
}
