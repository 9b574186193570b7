using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Hosts;

/// <summary>May <see cref="Host"/> be polled now? The reply is a <see cref="HostCheck"/>.</summary>
public sealed record CheckHost(string Host) : IClusterMessage;
