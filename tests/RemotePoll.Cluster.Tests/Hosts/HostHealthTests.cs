using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Replication;
using RemotePoll.Cluster.Tests.Replication;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Tests.Hosts;

/// <summary>
/// The HostHealth singleton on the real SQLite journal and a one-node cluster (issues 16.5 and 19.4): failures are kept
/// by address and port, one account's failures hold back only that account, two accounts' fail the endpoint for all, and
/// they reach the node's replica, where pollers read them; <c>hosts list</c> shows them, <c>hosts clear NAME</c> clears
/// every address of the name and answers once the node's replica no longer holds them; they outlive the actor and end
/// when the delay has passed on the (virtual) clock.
/// </summary>
public sealed class HostHealthTests : JournaledTestKit
{
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private const string Closed = "127.0.0.1:1";
    private const string Pop = "127.0.0.1:110";
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly FailedHostsCache _replica = new();

    private IActorRef? _health;
    private IActorRef Health => _health ??= Sys.ActorOf(HostHealth.Props(_clock));

    /// <summary>The node as a poller sees it: joined, with its replica caches.</summary>
    private async Task NodeAsync()
    {
        await this.JoinItselfAsync(AskTimeout, Ct);
        Sys.ActorOf(ReplicaCaches.Props(new ModuleSettingsCache(), new DirectoryCache(), _replica), ReplicaCaches.Name);
    }

    private static ReportHostFailure Failure(string account, params string[] endpoints) =>
        new("provider", endpoints, account, "connection refused", Delay);

    /// <summary>What a poller on this node reads before it connects.</summary>
    private FailedHost? Check(string account, params string[] endpoints) => _replica.Current.Blocking(endpoints, account, _clock.GetUtcNow());

    private async Task<HostsView> List() => (HostsView)(await AskAsync(Health, new HostsList())).Result!;

    [Fact]
    public async Task One_accounts_closed_port_holds_back_only_that_account_on_that_port()
    {
        await NodeAsync();
        Health.Tell(Failure("john@a.com", Closed));

        await AwaitAssertAsync(() => Assert.NotNull(Check("john@a.com", Closed)), AskTimeout, cancellationToken: Ct);
        Assert.Null(Check("jane@b.com", Closed));
        Assert.Null(Check("john@a.com", Pop));
        var row = Assert.Single((await List()).Hosts);
        Assert.Contains("provider 127.0.0.1:1 (account john@a.com only)", row.Host);
    }

    [Fact]
    public async Task Two_accounts_failing_on_an_endpoint_fail_it_for_every_account_until_cleared_by_name()
    {
        await NodeAsync();
        Health.Tell(Failure("john@a.com", Closed));
        Health.Tell(Failure("jane@b.com", Closed));
        Health.Tell(Failure("jane@b.com", Pop));

        await AwaitAssertAsync(() => Assert.NotNull(Check("kim@c.com", Closed)), AskTimeout, cancellationToken: Ct);
        Assert.Null(Check("kim@c.com", Pop));
        Assert.Contains((await List()).Hosts, h => h.Host == "provider 127.0.0.1:1");

        var cleared = await AskAsync(Health, new HostsClear("Provider"));
        Assert.True(cleared.Ok, cleared.Error);
        Assert.Null(cleared.Warning);
        // Answered once this node's replica holds the change: no wait here.
        Assert.Empty(_replica.Current.Hosts);
        Assert.Empty((await List()).Hosts);
        Assert.False((await AskAsync(Health, new HostsClear("provider"))).Ok);
    }

    [Fact]
    public async Task A_failure_holds_for_the_delay_on_the_clock_and_not_a_moment_longer()
    {
        await NodeAsync();
        Health.Tell(Failure("john@a.com", Closed));
        await AwaitAssertAsync(() => Assert.NotNull(Check("john@a.com", Closed)), AskTimeout, cancellationToken: Ct);

        var failure = Assert.Single(_replica.Current.Hosts.Values);
        Assert.Equal((T0, T0 + Delay), (failure.Since, failure.Until));
        _clock.Advance(Delay - TimeSpan.FromSeconds(1));
        Assert.NotNull(Check("john@a.com", Closed));
        Assert.Single((await List()).Hosts);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Check("john@a.com", Closed));
        Assert.Empty((await List()).Hosts);
    }

    [Fact]
    public async Task Failures_outlive_the_actor_and_its_next_change_still_replaces_the_replicas_copy()
    {
        await NodeAsync();
        Health.Tell(Failure("john@a.com", Closed));
        Health.Tell(Failure("jane@b.com", Closed));
        await AwaitAssertAsync(() => Assert.NotNull(Check("kim@c.com", Closed)), AskTimeout, cancellationToken: Ct);
        _health = await RestartAsync(Health, HostHealth.Props(_clock));

        Assert.Equal(3, (await List()).Hosts.Count);
        // Versions go on from the journal, so the replica does not take the recovered actor's change for a stale one.
        Health.Tell(Failure("kim@c.com", Pop));
        await AwaitAssertAsync(() => Assert.NotNull(Check("kim@c.com", Pop)), AskTimeout, cancellationToken: Ct);
        Assert.NotNull(Check("kim@c.com", Closed));
    }
}
