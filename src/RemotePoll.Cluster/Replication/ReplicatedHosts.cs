using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Replication;

/// <summary>The failed hosts (Delay Failed Hosts) as replicated to every node (<see cref="ReplicaKeys.Hosts"/>).</summary>
public sealed record ReplicatedHosts(long Version, IReadOnlyList<FailedHost> Hosts) : IReplicatedValue, IClusterMessage
{
    public FailedHosts ToFailedHosts() => Hosts.Aggregate(FailedHosts.Empty, (h, f) => h.Fail(f));
}
