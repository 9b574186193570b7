using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>Asks a governor how many permits its pool holds now, cluster-wide; answered with <see cref="PermitUse"/>.</summary>
public sealed record GetPermitUse : IClusterMessage;
