using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Hosts;

/// <summary>
/// A poll of <see cref="Account"/> could not connect to <see cref="Host"/> at <see cref="Endpoints"/>: hold the account back
/// for <see cref="Delay"/>, and every account when others fail there too (Delay Failed Hosts, see FailedHosts).
/// </summary>
public sealed record ReportHostFailure(string Host, IReadOnlyList<string> Endpoints, string Account, string Reason, TimeSpan Delay) : IClusterMessage;
