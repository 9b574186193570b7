using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Tests.Hosts;

/// <summary>
/// The HostHealth singleton on the real SQLite journal (issue 16.5): failures are kept by address and port, one
/// account's failures hold back only that account, two accounts' fail the endpoint for all; <c>hosts list</c> shows
/// them, <c>hosts clear NAME</c> clears every address of the name, and they outlive the actor.
/// </summary>
public sealed class HostHealthTests : TestKit
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-hosthealth-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(5);
    private const string Closed = "127.0.0.1:1";
    private const string Pop = "127.0.0.1:110";
    // The first request waits for the journal to start and the actor to recover: slow on a loaded 2-core machine.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private IActorRef? _health;
    private IActorRef Health => _health ??= Sys.ActorOf(Props.Create(() => new HostHealth()));

    private static ReportHostFailure Failure(string account, params string[] endpoints) =>
        new("provider", endpoints, account, "connection refused", Delay);

    private async Task<HostCheck> Check(string account, params string[] endpoints) =>
        await Health.Ask<HostCheck>(new CheckHost("provider", endpoints, account), AskTimeout, Ct);

    private async Task<HostsView> List() => (HostsView)(await Health.Ask<AdminReply>(new HostsList(), AskTimeout, Ct)).Result!;

    [Fact]
    public async Task One_accounts_closed_port_holds_back_only_that_account_on_that_port()
    {
        Health.Tell(Failure("john@a.com", Closed));

        await AwaitAssertAsync(async () => Assert.NotNull((await Check("john@a.com", Closed)).Failure), AskTimeout, cancellationToken: Ct);
        Assert.Null((await Check("jane@b.com", Closed)).Failure);
        Assert.Null((await Check("john@a.com", Pop)).Failure);
        var row = Assert.Single((await List()).Hosts);
        Assert.Contains("provider 127.0.0.1:1 (account john@a.com only)", row.Host);
    }

    [Fact]
    public async Task Two_accounts_failing_on_an_endpoint_fail_it_for_every_account_until_cleared_by_name()
    {
        Health.Tell(Failure("john@a.com", Closed));
        Health.Tell(Failure("jane@b.com", Closed));
        Health.Tell(Failure("jane@b.com", Pop));

        await AwaitAssertAsync(async () => Assert.NotNull((await Check("kim@c.com", Closed)).Failure), AskTimeout, cancellationToken: Ct);
        Assert.Null((await Check("kim@c.com", Pop)).Failure);
        Assert.Contains((await List()).Hosts, h => h.Host == "provider 127.0.0.1:1");

        var cleared = await Health.Ask<AdminReply>(new HostsClear("Provider"), AskTimeout, Ct);
        Assert.True(cleared.Ok, cleared.Error);
        Assert.Empty((await List()).Hosts);
        Assert.Null((await Check("john@a.com", Closed)).Failure);
        Assert.False((await Health.Ask<AdminReply>(new HostsClear("provider"), AskTimeout, Ct)).Ok);
    }

    [Fact]
    public async Task Failures_outlive_the_actor()
    {
        Health.Tell(Failure("john@a.com", Closed));
        Health.Tell(Failure("jane@b.com", Closed));
        await AwaitAssertAsync(async () => Assert.Equal(3, (await List()).Hosts.Count), AskTimeout, cancellationToken: Ct);
        Watch(Health);
        Health.Tell(PoisonPill.Instance);
        ExpectTerminated(Health, cancellationToken: Ct);

        _health = Sys.ActorOf(Props.Create(() => new HostHealth()));

        Assert.NotNull((await Check("kim@c.com", Closed)).Failure);
    }
}
