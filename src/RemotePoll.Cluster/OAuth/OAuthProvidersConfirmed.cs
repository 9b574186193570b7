using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>The answer to <see cref="ConfirmOAuthProviders"/>: the names the registry does not have, or is removing.</summary>
public sealed record OAuthProvidersConfirmed(IReadOnlyList<string> Refused) : IClusterMessage;
