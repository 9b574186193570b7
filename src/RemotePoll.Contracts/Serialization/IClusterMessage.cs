namespace RemotePoll.Cluster.Serialization;

/// <summary>Marker for the cluster's own messages, events and snapshots that are persisted or cross processes.</summary>
public interface IClusterMessage;
