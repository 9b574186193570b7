using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Replication;

/// <summary>
/// Asks a node's <see cref="ReplicaCaches"/> to answer <see cref="ReplicaConfirmed"/> once its cache holds
/// <see cref="Key"/> at <see cref="Version"/> or later: a change is answered only when every node reads it.
/// </summary>
public sealed record ConfirmReplica(string Key, long Version) : IClusterMessage;
