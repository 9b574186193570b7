using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Hosts;

/// <summary>Event: a host was marked failed until a time.</summary>
public sealed record HostMarkedFailed(FailedHost Failure) : IClusterMessage;
