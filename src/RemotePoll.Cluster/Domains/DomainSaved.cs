using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Domains;

/// <summary>A domain was created or changed (making it main clears main on the others).</summary>
public sealed record DomainSaved(DomainSettings Domain) : IClusterMessage;
