using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// From the admin API after it found no record using the provider: the registry removes it. Answered with an AdminReply.
/// </summary>
public sealed record RemoveUnusedOAuthProvider(string Name) : IClusterMessage;
