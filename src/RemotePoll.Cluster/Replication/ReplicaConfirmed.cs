using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Replication;

/// <summary>The answer to <see cref="ConfirmReplica"/>: this node's cache holds the version asked for (or a later one).</summary>
public sealed record ReplicaConfirmed(string Key, long Version) : IClusterMessage;
