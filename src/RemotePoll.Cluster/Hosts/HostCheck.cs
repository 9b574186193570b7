using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Hosts;

/// <summary>The answer to <see cref="CheckHost"/>: the failure holding the host back, or null when it may be polled.</summary>
public sealed record HostCheck(string Host, FailedHost? Failure) : IClusterMessage;
