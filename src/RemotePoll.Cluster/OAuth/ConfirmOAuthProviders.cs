using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// From an account about to save records that start naming these providers: the registry answers which it does not
/// know or is removing (<see cref="OAuthProvidersConfirmed"/>), and remembers when it confirmed the others, so that a
/// removal can wait for a save confirmed just before it (issue 17: no record may name a removed provider).
/// </summary>
public sealed record ConfirmOAuthProviders(IReadOnlyList<string> Names) : IClusterMessage;
