using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>The session ended (or the poller gave up waiting): the permit goes to the next in line.</summary>
public sealed record ReleasePermit(string Id) : IClusterMessage;
