using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>The holder is alive and still connected; a governor that just took over counts it again.</summary>
public sealed record RenewPermit(string Id) : IClusterMessage;
