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
    public void Push_connections_0_grants_no_push_permit()
    {
        var settings = new ModuleSettingsCache();
        settings.Update(ModuleSettings.Default with { Processes = 5 });
        var push = Sys.ActorOf(ConnectionGovernor.PushProps(settings));
        push.Tell(new RequestPermit("a"));
        ExpectNoMsg(ConnectionGovernor.RecoveringFor + TimeSpan.FromSeconds(2), Ct);
    }
}
