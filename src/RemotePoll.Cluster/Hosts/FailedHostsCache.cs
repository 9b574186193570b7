using RemotePoll.Cluster.Replication;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Hosts;

/// <summary>
/// The failed hosts as this node last saw them (replicated from <see cref="HostHealth"/>): pollers check a host here,
/// on their own node, before they connect, so no poll asks the singleton.
/// </summary>
public sealed class FailedHostsCache() : LocalReplica<FailedHosts>(FailedHosts.Empty);
