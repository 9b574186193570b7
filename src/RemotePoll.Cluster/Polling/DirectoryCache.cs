using RemotePoll.Cluster.Replication;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>The local domains as this node last saw them (Use Domain IP Addresses reads them at every poll).</summary>
public sealed class DirectoryCache() : LocalReplica<DomainDirectory>(DomainDirectory.Empty);
