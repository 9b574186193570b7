using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Governor;

/// <summary>Issue 20 point 3: the push pool is capped by push-connections, apart from Processes.</summary>
public sealed class PushGovernorTests : TestKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
    }

    [Fact]
    public void Push_permits_follow_push_connections_and_leave_the_Processes_pool_alone()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 1, PushConnections = 2 });
        var push = Sys.ActorOf(ConnectionGovernor.PushProps(settings));
        var processes = Sys.ActorOf(ConnectionGovernor.Props(settings));

        foreach (var id in new[] { "a", "b", "c" }) push.Tell(new RequestPermit(id));
        processes.Tell(new RequestPermit("poll"));

        var granted = new[] { ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: Ct),
            ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: Ct),
            ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: Ct) }.Select(g => g.Id).Order().ToArray();
        Assert.Equal(["a", "b", "poll"], granted); // two pushes (push-connections 2) and the poll (Processes 1) at once
        ExpectNoMsg(TimeSpan.FromSeconds(1), Ct); // the third push waits

        push.Tell(new ReleasePermit("a"));
        ExpectMsg<PermitGranted>(p => p.Id == "c", TimeSpan.FromSeconds(2), cancellationToken: Ct);
    }

    [Fact]
    public void Lowering_push_connections_below_the_held_takes_the_newest_permits_back_until_the_pool_fits()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { PushConnections = 3 });
        var push = Sys.ActorOf(ConnectionGovernor.PushProps(settings));
        var holders = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        for (var i = 0; i < holders.Length; i++)
        {
            push.Tell(new RequestPermit($"h{i}"), holders[i]);
            holders[i].ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: Ct);
            push.Tell(new RenewPermit($"h{i}"), holders[i]); // as a holder does every second: the governor learns who holds it
        }
        // The oldest keeps renewing (its lease would lapse otherwise); nothing is taken back while the pool fits.
        var renewing = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), push, new RenewPermit("h0"), holders[0]);
        holders[2].ExpectNoMsg(TimeSpan.FromSeconds(1), Ct);

        settings.Update(ModuleSettings.Default with { PushConnections = 1 });
        holders[2].ExpectMsg<RevokePermit>(r => r.Id == "h2", TimeSpan.FromSeconds(3), cancellationToken: Ct);
        holders[1].ExpectMsg<RevokePermit>(r => r.Id == "h1", TimeSpan.FromSeconds(3), cancellationToken: Ct);
        holders[0].ExpectNoMsg(TimeSpan.FromSeconds(1), Ct); // the oldest keeps its connection
        // Told again until released; once released, not again.
        holders[2].ExpectMsg<RevokePermit>(TimeSpan.FromSeconds(3), cancellationToken: Ct);
        push.Tell(new ReleasePermit("h1"));
        push.Tell(new ReleasePermit("h2"));
        AwaitAssert(() =>
        {
            push.Tell(new GetPermitUse(), TestActor);
            Assert.Equal(new PermitUse(1, 1, 0), ExpectMsg<PermitUse>(TimeSpan.FromSeconds(1), cancellationToken: Ct));
        }, TimeSpan.FromSeconds(5), cancellationToken: Ct);
        foreach (var h in holders) h.ReceiveWhile(TimeSpan.FromMilliseconds(600), m => m as RevokePermit, cancellationToken: Ct); // sent before the release
        foreach (var h in holders) h.ExpectNoMsg(TimeSpan.FromSeconds(1.5), Ct);
        renewing.Cancel();
    }

    [Fact]
    public void A_lowered_Processes_never_takes_a_polls_permit_back()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 2 });
        var processes = Sys.ActorOf(ConnectionGovernor.Props(settings));
        var polls = new[] { CreateTestProbe(), CreateTestProbe() };
        for (var i = 0; i < polls.Length; i++)
        {
            processes.Tell(new RequestPermit($"p{i}"), polls[i]);
            polls[i].ExpectMsg<PermitGranted>(TimeSpan.FromSeconds(8), cancellationToken: Ct);
            processes.Tell(new RenewPermit($"p{i}"), polls[i]);
        }
        settings.Update(ModuleSettings.Default with { Processes = 1 });
        foreach (var p in polls) p.ExpectNoMsg(TimeSpan.FromSeconds(2), Ct);
        processes.Tell(new GetPermitUse(), TestActor);
        Assert.Equal(new PermitUse(2, 1, 0), ExpectMsg<PermitUse>(TimeSpan.FromSeconds(1), cancellationToken: Ct));
    }

    [Fact]
    public void Push_connections_0_grants_no_push_permit()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 5 });
        var push = Sys.ActorOf(ConnectionGovernor.PushProps(settings));
        push.Tell(new RequestPermit("a"));
        ExpectNoMsg(ConnectionGovernor.RecoveringFor + TimeSpan.FromSeconds(2), Ct);
    }
}
