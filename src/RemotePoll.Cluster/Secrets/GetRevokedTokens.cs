using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Secrets;

/// <summary>Asks the <see cref="TokenRevocations"/> singleton for every revoked token id (answered with a <see cref="RevokedTokenList"/>).</summary>
public sealed record GetRevokedTokens : IClusterMessage;
