using RemotePoll.Core.Security;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Foundation;

/// <summary>
/// ~/.rpoll/token holds a credential: <c>token issue --save</c> writes it for the owner only whatever the umask (the
/// README's old <c>&gt; ~/.rpoll/token</c> made a 30-day server token 0644), and rpoll warns when it finds it open.
/// </summary>
[global::System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TokenFileTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-tokenfile-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("rpoll-tokenhome-").FullName;
    private readonly int _port = FreePorts.Take(1)[0];
    private NodeProcess _node = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Folder => Path.Combine(_home, ".rpoll");
    private string TokenPath => Path.Combine(Folder, "token");

    public async ValueTask InitializeAsync() => _node = await NodeProcess.StartAsync(_data, _port);

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        foreach (var d in new[] { _data, _home })
            try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }

    /// <summary>rpoll with umask 000, HOME = the test's home, and no token but what it finds there (or <paramref name="token"/>).</summary>
    private Task<CommandResult> Rpoll(string? token, params string[] args)
    {
        string[] given = token is null ? [] : [$"RPOLL_TOKEN={token}"];
        return ExternalCommand.RunAsync("env",
            ["-u", "RPOLL_TOKEN", "-u", "RPOLL_CONTACT", $"HOME={_home}", .. given,
                "bash", "-c", "umask 000; exec dotnet \"$@\"", "rpoll", BuiltPrograms.CliDll, $"127.0.0.1:{_port}", .. args],
            TimeSpan.FromSeconds(90), Ct);
    }

    private AccessToken SavedToken()
    {
        var secret = SecretFiles.Read(Path.Combine(_data, ClusterSecret.FileName));
        Assert.True(secret.Verifier().TryVerify(File.ReadAllText(TokenPath).Trim(), DateTimeOffset.UtcNow, out var token, out var reason), reason);
        return token;
    }

    [Fact]
    public async Task Token_issue_save_writes_an_owner_only_file_whatever_the_umask_and_rpoll_warns_when_it_is_open()
    {
        // A folder someone made open before: --save closes it.
        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);

        var offline = await Rpoll(null, "token", "issue", "--role", "server", "--secret-file", Path.Combine(_data, ClusterSecret.FileName), "--save");
        Assert.True(offline.ExitCode == 0, offline.StandardError);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Folder));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(TokenPath));
        Assert.Equal(CallerRole.Server, SavedToken().Caller.Role);
        Assert.Contains($"saved to {TokenPath} (mode 0600)", offline.StandardOutput);
        Assert.DoesNotContain(File.ReadAllText(TokenPath).Trim(), offline.StandardOutput + offline.StandardError);

        // Through a node, with the saved token: replaced as a whole, still owner-only.
        var online = await Rpoll(null, "token", "issue", "--role", "domain", "--domain", "example.com", "--save");
        Assert.True(online.ExitCode == 0, online.StandardError);
        Assert.Equal(CallerRole.Domain, SavedToken().Caller.Role);
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(TokenPath));
        Assert.DoesNotContain("warning", online.StandardError);

        var quiet = await Rpoll(null, "token", "whoami");
        Assert.True(quiet.ExitCode == 0, quiet.StandardError);
        Assert.Contains("role: domain", quiet.StandardOutput);
        Assert.Equal("", quiet.StandardError.Trim());

        File.SetUnixFileMode(TokenPath, (UnixFileMode)0b110_100_100);
        var warned = await Rpoll(null, "token", "whoami");
        Assert.True(warned.ExitCode == 0, warned.StandardError);
        Assert.Contains($"rpoll: warning: {TokenPath} is open to group or others (mode 0644)", warned.StandardError);
        Assert.Contains("role: domain", warned.StandardOutput);

        // A token given otherwise is not read from the file, and nothing is said about it.
        var given = await Rpoll(NodeTokens.For(_port), "token", "whoami");
        Assert.Contains("role: server", given.StandardOutput);
        Assert.DoesNotContain("warning", given.StandardError);
    }
}
