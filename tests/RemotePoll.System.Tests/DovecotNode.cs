using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests;

/// <summary>
/// A private Dovecot and a real node on a temporary data folder beside it, on loopback: the node trusts Dovecot's
/// self-signed certificate (--ca-file) and allows self-polls. As an xunit class fixture it is shared by the tests of a
/// class (one node start instead of one per test), each test with its own accounts and Dovecot users; a
/// <see cref="DovecotNodeTest"/> made with a name has one of its own.
/// </summary>
public sealed class DovecotNode : IAsyncLifetime
{
    public DovecotNode() : this("shared") { }

    /// <param name="options">How the Dovecot is set up (e.g. which capabilities it announces); null: everything offered.</param>
    internal DovecotNode(string name, DovecotOptions? options = null)
    {
        Data = Directory.CreateTempSubdirectory($"rpoll-{name}-").FullName;
        _options = options;
    }

    private readonly DovecotOptions? _options;

    public string Data { get; }
    public int Port { get; } = FreePorts.Take(1)[0];
    public DovecotServer Dovecot { get; private set; } = null!;
    /// <summary>The running node; a test that restarts it puts the new process here.</summary>
    public NodeProcess Node { get; set; } = null!;

    public ValueTask InitializeAsync() => new(StartAsync(_ => ([], []), TestContext.Current.CancellationToken));

    /// <param name="setup">Extra node options and environment, given the running Dovecot.</param>
    public async Task StartAsync(Func<DovecotServer, (string[] Args, Dictionary<string, string> Environment)> setup, CancellationToken cancellationToken)
    {
        Dovecot = await DovecotServer.StartAsync(_options, cancellationToken);
        var (args, environment) = setup(Dovecot);
        Node = await NodeProcess.StartAsync(Data, Port, ["--ca-file", Dovecot.CaCertificatePath, .. args], environment);
        Assert.Equal(0, (await RpollCli.RunAsync(Port, null, "module", "set", "allow-self-poll", "yes")).ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (Node is not null) await Node.DisposeAsync();
        if (Dovecot is not null) await Dovecot.DisposeAsync();
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
    }
}
