using RemotePoll.Core.Security;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// A real node and the real rpoll with real tokens: the node makes its cluster secret owner-only, the first administrator
/// is bootstrapped offline from it, and the admin API holds every caller to their role.
/// </summary>
public sealed class TokenTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-tokens-").FullName;
    private readonly int _port = FreePorts.Take(1)[0];
    private NodeProcess _node = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await NodeProcess.StartAsync(_data, _port);

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private string SecretFile => Path.Combine(_data, ClusterSecret.FileName);

    private Task<Testing.Processes.CommandResult> As(string? token, string? stdin, params string[] args) =>
        RpollCli.RunWithTokenAsync(_port, token, stdin, args);

    private async Task<string> Offline(params string[] args)
    {
        var r = await As(null, null, ["token", "issue", .. args, "--secret-file", SecretFile]);
        Assert.True(r.ExitCode == 0, r.StandardError);
        return r.StandardOutput.Trim();
    }

    [Fact]
    public async Task The_node_creates_an_owner_only_secret_and_an_offline_token_bootstraps_the_first_administrator()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretFile));
        var secretText = (await File.ReadAllTextAsync(SecretFile, Ct)).Trim();

        var token = await Offline("--role", "server");
        Assert.DoesNotContain(secretText, token);
        Assert.DoesNotContain(secretText, _node.Log);
        var who = await As(null, null, "--token", token, "token", "whoami");
        Assert.True(who.ExitCode == 0, who.StandardError);
        Assert.Contains("role: server", who.StandardOutput);

        // ~/.rpoll/token is read when neither --token nor RPOLL_TOKEN is given.
        var home = Directory.CreateTempSubdirectory("rpoll-home-").FullName;
        Directory.CreateDirectory(Path.Combine(home, ".rpoll"));
        await File.WriteAllTextAsync(Path.Combine(home, ".rpoll", "token"), token + "\n", Ct);
        var psiHome = await Testing.Processes.ExternalCommand.RunAsync("env", ["-u", "RPOLL_TOKEN", "HOME=" + home, "dotnet", BuiltPrograms.CliDll,
            $"127.0.0.1:{_port}", "token", "whoami"], TimeSpan.FromSeconds(90), Ct);
        Assert.True(psiHome.ExitCode == 0, psiHome.StandardError);
        Assert.Contains("role: server", psiHome.StandardOutput);
    }

    [Fact]
    public async Task Without_a_valid_token_nothing_is_done()
    {
        var otherSecret = Path.Combine(_data, "other.secret");
        SecretFiles.Create(otherSecret);
        var forged = (await As(null, null, "token", "issue", "--role", "server", "--secret-file", otherSecret)).StandardOutput.Trim();
        var expiring = await Offline("--role", "server", "--expires", "1s");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        foreach (var (what, token) in new[] { ("missing", (string?)null), ("forged", forged), ("expired", expiring), ("garbage", "rpt1.x.y") })
        {
            var r = await As(token, "pw\n", "rpop", "set", "x@example.com", "intruder", "--host", "pop.example.net", "--user", "u",
                "--password-stdin", "--every", "disabled");
            Assert.True(r.ExitCode == 1, $"{what}: exit {r.ExitCode} {r.StandardOutput}");
            Assert.Contains("permission denied", r.StandardError);
        }
        var list = await RpollCli.RunAsync(_port, null, "rpop", "list", "x@example.com");
        Assert.Contains("(none)", list.StandardOutput);
    }

    [Fact]
    public async Task Domain_administrators_and_users_get_exactly_their_share()
    {
        var server = NodeTokens.For(_port)!;
        var issue = await As(server, null, "token", "issue", "--role", "domain", "--domain", "example.com", "--expires", "1h");
        Assert.True(issue.ExitCode == 0, issue.StandardError);
        var domainAdmin = issue.StandardOutput.Trim();
        var user = (await As(server, null, "token", "issue", "--role", "user", "--account", "ann@example.com")).StandardOutput.Trim();

        Assert.Equal(0, (await As(domainAdmin, "pw-a\n", "rpop", "set", "ann@example.com", "home", "--host", "pop.example.net", "--user", "ann",
            "--password-stdin", "--every", "disabled")).ExitCode);
        var other = await As(domainAdmin, "pw-b\n", "rpop", "set", "bob@other.org", "home", "--host", "pop.example.net", "--user", "bob",
            "--password-stdin", "--every", "disabled");
        Assert.Contains("permission denied", other.StandardError);
        Assert.Equal(0, (await As(domainAdmin, null, "module", "show")).ExitCode);
        Assert.Contains("permission denied", (await As(domainAdmin, null, "module", "set", "processes", "3")).StandardError);

        // The user reads their records; changes wait for CanModifyRPOP.
        Assert.Contains("home", (await As(user, null, "rpop", "list", "ann@example.com")).StandardOutput);
        Assert.Contains("permission denied", (await As(user, null, "rpop", "list", "bob@other.org")).StandardError);
        var refused = await As(user, "pw-c\n", "rpop", "set", "ann@example.com", "mine", "--host", "pop.example.net", "--user", "ann",
            "--password-stdin", "--every", "disabled");
        Assert.Contains("CanModifyRPOP", refused.StandardError);
        Assert.Equal(0, (await As(domainAdmin, null, "account", "set", "ann@example.com", "--can-modify-rpop", "yes")).ExitCode);
        var allowed = await As(user, "pw-c\n", "rpop", "set", "ann@example.com", "mine", "--host", "pop.example.net", "--user", "ann",
            "--password-stdin", "--every", "disabled", "--json");
        Assert.True(allowed.ExitCode == 0, allowed.StandardOutput + allowed.StandardError);
        var special = await As(user, null, "rpop", "set", "ann@example.com", "mine", "--special", "*");
        Assert.NotEqual(0, special.ExitCode);
        Assert.Contains("Special", special.StandardError);
        Assert.Contains("permission denied", (await As(user, null, "token", "issue", "--role", "server")).StandardError);
    }

    [Fact]
    public async Task A_revoked_token_stays_refused_after_a_restart_and_a_signing_rotation_refuses_every_older_token()
    {
        var server = await Offline("--role", "server");
        var domain = await Offline("--role", "domain", "--domain", "example.com");
        var who = await As(domain, null, "token", "whoami");
        Assert.True(who.ExitCode == 0, who.StandardError);
        var id = global::System.Text.RegularExpressions.Regex.Match(who.StandardOutput, @"token: ([0-9a-f]+),").Groups[1].Value;

        var revoked = await As(server, null, "token", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.StandardError);
        var refused = await As(domain, null, "token", "whoami");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"permission denied: the token {id} was revoked", refused.StandardError);

        Assert.Equal(0, await _node.StopAsync());
        _node = await NodeProcess.StartAsync(_data, _port);
        Assert.Contains("was revoked", (await As(domain, null, "token", "whoami")).StandardError);
        Assert.Equal(0, (await As(server, null, "token", "whoami")).ExitCode);

        var rotated = await As(server, null, "secrets", "rotate", "--signing");
        Assert.True(rotated.ExitCode == 0, rotated.StandardError);
        var fresh = rotated.StandardOutput.Trim();
        var old = await As(server, null, "token", "whoami");
        Assert.Equal(1, old.ExitCode);
        Assert.Contains("not signed with this cluster's secret", old.StandardError);
        Assert.Contains("role: server", (await As(fresh, null, "token", "whoami")).StandardOutput);
        Assert.Contains("role: server", (await As(await Offline("--role", "server"), null, "token", "whoami")).StandardOutput);
    }
}
