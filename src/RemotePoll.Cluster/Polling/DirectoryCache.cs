using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Polling;

/// <summary>The local domains as this node last saw them (Use Domain IP Addresses reads them at every poll).</summary>
public sealed class DirectoryCache
{
    private volatile DomainDirectory _current = DomainDirectory.Empty;

    public DomainDirectory Current => _current;

    public void Update(DomainDirectory directory) => _current = directory;
}
