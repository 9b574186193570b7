using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>A removal was refused (records use the provider) or failed: accounts may name the provider again.</summary>
public sealed record ReleaseOAuthProvider(string Name) : IClusterMessage;
