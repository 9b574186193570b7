using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Domains;

/// <summary>Asks the directory singleton for a <see cref="DirectorySnapshot"/>.</summary>
public sealed record GetDirectory : IClusterMessage;
