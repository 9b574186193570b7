using System.Text.Json;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests;

/// <summary>
/// A real node on a temporary data folder beside a private Dovecot, both on loopback, for the polling tests. The node
/// trusts Dovecot's self-signed certificate (--ca-file) and allows self-polls: Dovecot runs on this machine.
/// Made with a name, each test starts its own (<see cref="NodeSetup"/> applies); made with a <see cref="DovecotNode"/>
/// class fixture, the tests of the class share one.
/// </summary>
public abstract class DovecotNodeTest : IAsyncLifetime
{
    private readonly DovecotNode _node;
    private readonly bool _owned;

    /// <summary>A Dovecot (set up as <paramref name="options"/> say, null: everything offered) and a node of this test's own.</summary>
    protected DovecotNodeTest(string name, DovecotOptions? options = null)
    {
        _node = new DovecotNode(name, options);
        _owned = true;
    }

    /// <summary>The class's shared Dovecot and node (the class implements <c>IClassFixture&lt;DovecotNode&gt;</c>).</summary>
    protected DovecotNodeTest(DovecotNode shared) => _node = shared;

    protected string Data => _node.Data;
    protected int Port => _node.Port;
    protected DovecotServer Dovecot => _node.Dovecot;
    protected NodeProcess Node { get => _node.Node; set => _node.Node = value; }
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Extra node options and environment, given the running Dovecot (only for a test's own node).</summary>
    protected virtual (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot) => ([], []);

    public async ValueTask InitializeAsync()
    {
        if (_owned) await _node.StartAsync(NodeSetup, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned) await _node.DisposeAsync();
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
