using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>A provider was removed (no record used it).</summary>
public sealed record OAuthProviderRemoved(string Name) : IClusterMessage;
