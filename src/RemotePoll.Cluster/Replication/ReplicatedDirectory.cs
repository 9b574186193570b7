using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Replication;

/// <summary>The local domains as replicated to every node (<see cref="ReplicaKeys.Directory"/>).</summary>
public sealed record ReplicatedDirectory(long Version, IReadOnlyList<DomainSettings> Domains) : IReplicatedValue, IClusterMessage
{
    public DomainDirectory ToDirectory() => Domains.Aggregate(DomainDirectory.Empty, (d, x) => d.Apply(x));
}
