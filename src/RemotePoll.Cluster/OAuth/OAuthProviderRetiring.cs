using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// The answer to <see cref="RetireOAuthProvider"/>: the provider's registered name (null: not registered) and when an
/// account was last told it may name it (a save confirmed then may still be on its way to the journal).
/// </summary>
public sealed record OAuthProviderRetiring(string? Name, DateTimeOffset? LastConfirmed) : IClusterMessage;
