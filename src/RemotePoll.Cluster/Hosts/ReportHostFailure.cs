using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Hosts;

/// <summary>A poller could not connect to <see cref="Host"/>: mark it failed for <see cref="Delay"/> (Delay Failed Hosts).</summary>
public sealed record ReportHostFailure(string Host, string Reason, TimeSpan Delay) : IClusterMessage;
