using System.Text.Json;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Foundation;

/// <summary>
/// The foundation as a user meets it: a real node process on a temporary data folder, driven by the real CLI
/// process; records set from a CommuniGate dictionary survive a restart; bad input changes nothing.
/// </summary>
public sealed class NodeAndCliTests : IAsyncLifetime
{
    private const string Account = "john@example.com";
    private const string Password = "Sup3r-Secret-77";
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-node-").FullName;
    private readonly int _port = FreePorts.Take(1)[0];
    private NodeProcess? _node;

    public async ValueTask InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_data, _port);
        // The records here name hosts that do not exist: with Processes = 0 nothing is ever connected to.
        Assert.Equal(0, (await Rpoll(null, "module", "set", "processes", "0")).ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private Task<Testing.Processes.CommandResult> Rpoll(string? stdin, params string[] args) => RpollCli.RunAsync(_port, stdin, args);

    private async Task RestartAsync()
    {
        Assert.Equal(0, await _node!.StopAsync());
        _node = await NodeProcess.StartAsync(_data, _port);
    }

    [Fact]
    public async Task Records_set_from_a_CommuniGate_dictionary_come_back_equal_after_a_restart()
    {
        const string rpops = $$"""
            { home = { domain = "pop.example.com:1110"; authName = john; password = "{{Password}}"; leave = YES; APOP = YES; period = 5m; mailbox = "Remote/Home"; };
              work = { domain = "[::1]:995"; authName = "j.doe"; password = other; TLS = YES; period = Disabled; }; }
            """;
        const string rimaps = """
            { archive = { domain = "imap.example.com"; authName = john; password = imappw; connectionSecurity = STARTTLS; authMethod = Encrypted; listFilter = "INBOX*"; period = 1h; }; }
            """;
        var set = await Rpoll(rpops, "cgp", "SETACCOUNTRPOPS", Account, "-");
        Assert.True(set.ExitCode == 0, set.StandardError);
        Assert.Equal(0, (await Rpoll(rimaps, "cgp", "SETACCOUNTRIMAPS", Account, "-")).ExitCode);
        Assert.Equal(0, (await Rpoll(null, "module", "set", "delay-failed-hosts", "7m")).ExitCode);

        await RestartAsync();

        var rpopBack = await Rpoll(null, "cgp", "GETACCOUNTRPOPS", Account, "--with-passwords");
        Assert.True(rpopBack.ExitCode == 0, rpopBack.StandardError);
        Assert.Equal(CgpParser.Parse(rpops), CgpParser.Parse(rpopBack.StandardOutput));
        var rimapBack = await Rpoll(null, "cgp", "GETACCOUNTRIMAPS", Account, "--with-passwords");
        Assert.Equal(CgpParser.Parse(rimaps), CgpParser.Parse(rimapBack.StandardOutput));
        Assert.Matches(@"(?m)^delay-failed-hosts +7m\b", (await Rpoll(null, "module", "show")).StandardOutput);

        // Without --with-passwords no password is printed, and a SET of what GET printed keeps the stored ones.
        var withoutPasswords = await Rpoll(null, "cgp", "GETACCOUNTRPOPS", Account);
        Assert.DoesNotContain(Password, withoutPasswords.StandardOutput);
        Assert.Equal(0, (await Rpoll(withoutPasswords.StandardOutput, "cgp", "SETACCOUNTRPOPS", Account, "-")).ExitCode);
        Assert.Equal(CgpParser.Parse(rpops), CgpParser.Parse((await Rpoll(null, "cgp", "GETACCOUNTRPOPS", Account, "--with-passwords")).StandardOutput));
    }

    [Fact]
    public async Task Records_made_with_the_CLI_are_listed_without_passwords_and_never_stored_in_clear()
    {
        var set = await Rpoll(Password + "\n", "rpop", "set", Account, "home", "--host", "pop.example.com", "--user", "john",
            "--password-stdin", "--every", "10m", "--leave", "yes");
        Assert.True(set.ExitCode == 0, set.StandardError);
        Assert.Contains("RPOP record 'home' saved", set.StandardOutput);
        var rimap = await Rpoll(Password + "\n", "rimap", "set", Account, "mirror", "--host", "imap.example.com:1143", "--user", "john",
            "--password-stdin", "--security", "starttls", "--auth", "encrypted", "--filter", "Work/*");
        Assert.True(rimap.ExitCode == 0, rimap.StandardError);
        Assert.Matches(@"mirror\s+10m\s+john\s+imap\.example\.com:1143\s+STARTTLS\s+Encrypted\s+Work/\*", (await Rpoll(null, "rimap", "list", Account)).StandardOutput);

        var list = await Rpoll(null, "rpop", "list", Account);
        Assert.Matches(@"home\s+10m\s+john\s+pop\.example\.com\s+yes\s+no\s+no\s+-\s+-\s+never", list.StandardOutput);
        var json = await Rpoll(null, "rpop", "list", Account, "--json");
        using var doc = JsonDocument.Parse(json.StandardOutput);
        Assert.Equal("home", doc.RootElement[0].GetProperty("name").GetString());
        Assert.True(doc.RootElement[0].GetProperty("hasPassword").GetBoolean());

        await _node!.StopAsync();
        foreach (var file in Directory.GetFiles(_data, "remotepoll.db*"))
            Assert.DoesNotContain(Password, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.DoesNotContain(Password, _node.Log);
        Assert.DoesNotContain(Password, list.StandardOutput + json.StandardOutput + set.StandardOutput);
        _node = await NodeProcess.StartAsync(_data, _port);
    }

    [Fact]
    public async Task Bad_input_gets_a_one_line_reason_and_changes_nothing()
    {
        Assert.Equal(0, (await Rpoll("pw\n", "rpop", "set", Account, "home", "--host", "pop.example.com", "--user", "john", "--password-stdin")).ExitCode);

        var badRecord = await Rpoll(null, "rpop", "set", Account, "home", "--host", "pop.example.com:99999", "--every", "fortnight");
        Assert.Equal(1, badRecord.ExitCode);
        Assert.Contains("at Host", badRecord.StandardError);
        Assert.Contains("Poll Every", badRecord.StandardError);
        Assert.Single(badRecord.StandardError.Trim().Split('\n'));

        var badJson = await Rpoll(null, "rpop", "set", Account, "home", "--host", "pop.example.com:99999", "--json");
        Assert.Equal(1, badJson.ExitCode);
        using (var error = JsonDocument.Parse(badJson.StandardOutput))
        {
            Assert.Contains("at Host", error.RootElement.GetProperty("error").GetString());
            Assert.Equal("at Host", error.RootElement.GetProperty("fields")[0].GetProperty("field").GetString());
        }

        var badDictionary = await Rpoll("{ home = { domain = x; authName = ", "cgp", "SETACCOUNTRPOPS", Account, "-");
        Assert.Equal(1, badDictionary.ExitCode);
        Assert.Contains("line 1, column", badDictionary.StandardError);

        var badKey = await Rpoll("{ home = { domain = x; authName = y; pasword = z; }; }", "cgp", "SETACCOUNTRPOPS", Account, "-");
        Assert.Equal(1, badKey.ExitCode);
        Assert.Contains("home: pasword", badKey.StandardError);

        var badUsage = await Rpoll(null, "rpop", "set", Account, "home", "--colour", "blue");
        Assert.Equal(2, badUsage.ExitCode);
        Assert.Contains("unknown option --colour", badUsage.StandardError);
        Assert.Equal(2, (await Rpoll(null, "rpop", "frobnicate")).ExitCode);
        Assert.Equal(1, (await Rpoll(null, "module", "set", "log", "verbose")).ExitCode);

        var list = await Rpoll(null, "rpop", "list", Account);
        Assert.Matches(@"home\s+10m\s+john\s+pop\.example\.com\s+no", list.StandardOutput);
        Assert.Matches(@"(?m)^log +major\b", (await Rpoll(null, "module", "show")).StandardOutput);
    }

    [Fact]
    public async Task Cluster_palette_shows_the_one_node_cluster_and_its_shards()
    {
        var show = await Rpoll(null, "cluster", "show");
        Assert.Equal(0, show.ExitCode);
        Assert.Matches($@"akka\.tcp://remotepoll@127\.0\.0\.1:{_port}\s+Up\s+yes", show.StandardOutput);
        Assert.Equal(0, (await Rpoll("pw\n", "rpop", "set", Account, "home", "--host", "h.example.com", "--user", "u", "--password-stdin")).ExitCode);
        var stats = await Rpoll(null, "cluster-sharding", "region-stats");
        Assert.Matches(@"127\.0\.0\.1:\d+\s+\d+\s+1", stats.StandardOutput);
        Assert.Equal(1, (await Rpoll(null, "cluster", "leave", "127.0.0.9:1")).ExitCode);
    }

    [Fact]
    public async Task Without_a_command_rpoll_opens_an_interactive_prompt()
    {
        var session = await Rpoll("module show\nrpop frobnicate\ndomain set \"example.org\" --main yes\ndomain list --json\nexit\n");
        Assert.Equal(0, session.ExitCode);
        Assert.Contains("rpoll> ", session.StandardOutput);
        Assert.Contains("delay-failed-account", session.StandardOutput);
        Assert.Contains("'rpop frobnicate' is not a command", session.StandardError);
        Assert.Contains("\"isMain\": true", session.StandardOutput);
    }

    [Theory]
    [InlineData("leave", "is leaving the cluster")]
    [InlineData("down", "was marked down")]
    public async Task Cluster_leave_and_down_take_a_member_out_and_its_process_ends(string verb, string said)
    {
        var r = await Rpoll(null, "cluster", verb, $"127.0.0.1:{_port}");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Contains(said, r.StandardOutput);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!_node!.HasExited && DateTime.UtcNow < deadline) await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.True(_node.HasExited, "a member that left or was downed shuts its node down");
    }
}
