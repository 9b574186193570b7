using System.Collections.Immutable;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>The registered providers as this node last saw them (a watcher asks the registry every few seconds); pollers read it without asking.</summary>
public sealed class OAuthProviderCache
{
    private volatile ImmutableDictionary<string, OAuthProvider>? _providers;

    /// <summary>False before the first answer from the registry.</summary>
    public bool Known => _providers is not null;

    public OAuthProvider? Find(string name) => _providers?.GetValueOrDefault(name);

    public void Update(IEnumerable<OAuthProvider> providers) =>
        _providers = providers.ToImmutableDictionary(p => p.Name, OAuthProviderRegistry.NameComparer);
}
