using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Secrets;

/// <summary>Event: a server administrator revoked the token with this id (<c>rpoll token revoke ID</c>).</summary>
public sealed record TokenRevoked(string Id, DateTimeOffset At) : IClusterMessage;
