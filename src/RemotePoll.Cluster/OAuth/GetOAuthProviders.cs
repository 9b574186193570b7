using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>Asks the provider registry for an <see cref="OAuthProvidersSnapshot"/> (node caches, the web's provider lookup).</summary>
public sealed record GetOAuthProviders : IClusterMessage;
