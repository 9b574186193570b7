namespace RemotePoll.Cluster.Replication;

/// <summary>
/// A value a singleton replicates to every node. <see cref="Version"/> is the singleton's journal sequence number when
/// it was written: it orders the values (last writer by version, not by wall clock) and lets a node confirm it holds one.
/// </summary>
public interface IReplicatedValue
{
    long Version { get; }
}
