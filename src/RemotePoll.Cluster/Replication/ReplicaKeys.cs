using Akka.DistributedData;

namespace RemotePoll.Cluster.Replication;

/// <summary>The replicated registers, one per kind: written only by the singleton that owns the data.</summary>
public static class ReplicaKeys
{
    public static readonly LWWRegisterKey<ReplicatedSettings> Settings = new("module-settings");
    public static readonly LWWRegisterKey<ReplicatedDirectory> Directory = new("directory");
    public static readonly LWWRegisterKey<ReplicatedHosts> Hosts = new("failed-hosts");

    /// <summary>Orders a register's values by <see cref="IReplicatedValue.Version"/>, so a stale write never wins.</summary>
    public static long ByVersion<T>(long current, T value) where T : IReplicatedValue => value.Version;
}
