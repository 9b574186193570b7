using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Governor;

/// <summary>The Processes governor as an actor: what a new governor does before it grants (a restart, a hand-over).</summary>
public sealed class ConnectionGovernorTests : TestKit
{
    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public void A_new_governor_waits_for_live_holders_to_renew_then_grants_well_within_a_lease_time()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 1 });
        var governor = Sys.ActorOf(ConnectionGovernor.Props(settings));
        governor.Tell(new RenewPermit("held-elsewhere"));  // a session of another node, still running across the move
        governor.Tell(new RequestPermit("new"));

        // The holder renews every second; while it does, its permit is counted and the cap (1) is full.
        for (var i = 0; i < 4; i++)
        {
            ExpectNoMsg(ConnectionGovernor.RenewEvery, TestContext.Current.CancellationToken);
            governor.Tell(new RenewPermit("held-elsewhere"));
        }
        governor.Tell(new ReleasePermit("held-elsewhere"));
        ExpectMsg<PermitGranted>(p => p.Id == "new", TimeSpan.FromSeconds(2), cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public void With_nobody_holding_a_permit_the_first_grant_comes_after_the_short_recovery_window()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 1 });
        var started = DateTime.UtcNow;
        var governor = Sys.ActorOf(ConnectionGovernor.Props(settings));
        governor.Tell(new RequestPermit("first"));
        ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: TestContext.Current.CancellationToken);
        var waited = DateTime.UtcNow - started;
        Assert.True(waited >= ConnectionGovernor.RecoveringFor - TimeSpan.FromMilliseconds(50), $"granted after {waited}");
        Assert.True(ConnectionGovernor.RecoveringFor < ConnectionGovernor.LeaseTime / 2);
    }
}
