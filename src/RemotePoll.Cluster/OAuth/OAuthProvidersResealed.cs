using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.OAuth;

/// <summary>How many client secrets were sealed again; <see cref="Error"/> when one could not be opened.</summary>
public sealed record OAuthProvidersResealed(int Count, string? Error = null) : IClusterMessage;
