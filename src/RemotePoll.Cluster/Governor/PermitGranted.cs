using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>The permit is held: the poller may connect, and renews it until it releases it.</summary>
public sealed record PermitGranted(string Id) : IClusterMessage;
