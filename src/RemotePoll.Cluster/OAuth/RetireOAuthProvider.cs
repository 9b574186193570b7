using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// The admin API begins <c>oauth provider remove</c>: from now on the registry confirms the provider to no account, until
/// <see cref="RemoveUnusedOAuthProvider"/> removes it or <see cref="ReleaseOAuthProvider"/> ends the attempt (or
/// <see cref="OAuthProviderRegistry.RetiringFor"/> passes). Answered with <see cref="OAuthProviderRetiring"/>.
/// </summary>
public sealed record RetireOAuthProvider(string Name) : IClusterMessage;
