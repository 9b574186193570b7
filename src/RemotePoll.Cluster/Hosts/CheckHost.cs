using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Hosts;

/// <summary>
/// May <see cref="Account"/> poll <see cref="Host"/> now, at the addresses it resolved to (<see cref="Endpoints"/>, address
/// and port)? The reply is a <see cref="HostCheck"/>.
/// </summary>
public sealed record CheckHost(string Host, IReadOnlyList<string> Endpoints, string Account) : IClusterMessage;
