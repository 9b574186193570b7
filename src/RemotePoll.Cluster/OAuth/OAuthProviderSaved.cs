using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>A provider was registered or changed (its client secret sealed).</summary>
public sealed record OAuthProviderSaved(OAuthProvider Provider) : IClusterMessage;
