using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Domains;

/// <summary>The whole directory, for snapshots and for nodes that cache it.</summary>
public sealed record DirectorySnapshot(IReadOnlyList<DomainSettings> Domains) : IClusterMessage
{
    public DomainDirectory ToDirectory() => Domains.Aggregate(DomainDirectory.Empty, (d, x) => d.Apply(x));
}
