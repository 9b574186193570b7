using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>A governor's pool as it is now: permits held, its capacity, and requests waiting.</summary>
public sealed record PermitUse(int InUse, int Capacity, int Waiting) : IClusterMessage;
