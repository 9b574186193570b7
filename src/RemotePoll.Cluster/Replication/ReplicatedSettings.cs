using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Replication;

/// <summary>The module settings as replicated to every node (<see cref="ReplicaKeys.Settings"/>).</summary>
public sealed record ReplicatedSettings(long Version, ModuleSettings Settings) : IReplicatedValue, IClusterMessage;
