using System.Text.Json;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests;

/// <summary>
/// A real node on a temporary data folder beside a private Dovecot, both on loopback, for the polling tests. The node
/// trusts Dovecot's self-signed certificate (--ca-file) and allows self-polls: Dovecot runs on this machine.
/// </summary>
public abstract class DovecotNodeTest(string name) : IAsyncLifetime
{
    protected readonly string Data = Directory.CreateTempSubdirectory($"rpoll-{name}-").FullName;
    protected readonly int Port = FreePorts.Take(1)[0];
    protected DovecotServer Dovecot = null!;
    protected NodeProcess Node = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Extra node options and environment, given the running Dovecot.</summary>
    protected virtual (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot) => ([], []);

    public async ValueTask InitializeAsync()
    {
        Dovecot = await DovecotServer.StartAsync(cancellationToken: Ct);
        var (args, environment) = NodeSetup(Dovecot);
        Node = await NodeProcess.StartAsync(Data, Port, ["--ca-file", Dovecot.CaCertificatePath, .. args], environment);
        Assert.Equal(0, (await Rpoll(null, "module", "set", "allow-self-poll", "yes")).ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Dovecot.DisposeAsync();
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
    }

    protected Task<CommandResult> Rpoll(string? stdin, params string[] args) => RpollCli.RunAsync(Port, stdin, args);

    /// <summary><c>rpoll node stats --json</c> of the node, which must succeed.</summary>
    protected async Task<JsonElement> NodeStatsAsync()
    {
        var r = await Rpoll(null, "node", "stats", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        return JsonDocument.Parse(r.StandardOutput).RootElement;
    }
}
