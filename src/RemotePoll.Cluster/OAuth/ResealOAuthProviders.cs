using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary><c>secrets rotate</c>: the registry seals client secrets again with the current key; answered <see cref="OAuthProvidersResealed"/>.</summary>
public sealed record ResealOAuthProviders : IClusterMessage;
