using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Event;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Akka.TestKit.TestActors;
using Akka.Remote.Hosting;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Cluster.Tests.Hosting;

/// <summary>A missing singleton is reported when it is true (after the period, from the oldest member), a running one never.</summary>
public sealed class SingletonLookoutTests : TestKit
{
    private sealed class Present;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.WithRemoting("127.0.0.1", 0).WithClustering().WithSingleton<Present>("present", Props.Create(() => new BlackHoleActor()));

    [Fact]
    public async Task A_missing_singleton_is_reported_after_the_period_and_a_running_one_never()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        await AwaitConditionAsync(() => Task.FromResult(cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(20),
            cancellationToken: TestContext.Current.CancellationToken);
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var started = DateTime.UtcNow;
        Sys.ActorOf(SingletonLookout.Props(["present", "absent"], TimeSpan.FromSeconds(3)));

        var warning = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("cluster singleton", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(3), "warned before the period");
        Assert.Contains("the cluster singleton absent was not found on the oldest member", warning.Message.ToString());
        // Looked for again each period, and only the missing one is named.
        var again = await warnings.FishForMessageAsync<Warning>(w => w.Message.ToString()!.Contains("cluster singleton", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("singleton absent ", again.Message.ToString());
    }
}
