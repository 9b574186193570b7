using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>A poller asks for one of the cluster's Processes; answered with <see cref="PermitGranted"/> when one is free.
/// Sent again while waiting (the governor may have moved); the id makes it idempotent.</summary>
public sealed record RequestPermit(string Id) : IClusterMessage;
