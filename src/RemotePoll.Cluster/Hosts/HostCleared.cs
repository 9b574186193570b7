using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Hosts;

/// <summary>Event: an operator cleared a failed host (<c>rpoll hosts clear</c>).</summary>
public sealed record HostCleared(string Host) : IClusterMessage;
