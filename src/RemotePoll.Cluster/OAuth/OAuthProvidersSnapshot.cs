using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>Every registered provider (client secrets sealed): the registry's snapshot, and its answer to <see cref="GetOAuthProviders"/>.</summary>
public sealed record OAuthProvidersSnapshot(IReadOnlyList<OAuthProvider> Providers) : IClusterMessage;
