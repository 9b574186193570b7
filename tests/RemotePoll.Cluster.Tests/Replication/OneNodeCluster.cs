using Akka.Cluster;
using Akka.TestKit;

namespace RemotePoll.Cluster.Tests.Replication;

/// <summary>A test's actor system joined to itself, so a replicator has a member to write to and a singleton one to ask.</summary>
public static class OneNodeCluster
{
    public static Task JoinItselfAsync(this TestKitBase kit, TimeSpan within, CancellationToken ct)
    {
        var cluster = Akka.Cluster.Cluster.Get(kit.Sys);
        cluster.Join(cluster.SelfAddress);
        return kit.AwaitConditionAsync(() => Task.FromResult(cluster.State.Members.Any(m => m.Status == MemberStatus.Up)), within, cancellationToken: ct);
    }
}
