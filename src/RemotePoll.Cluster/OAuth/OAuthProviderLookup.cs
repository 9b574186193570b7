using Akka.Actor;
using Akka.Hosting;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// Reads one registered provider from the registry singleton, with its client secret unsealed, for code running in this
/// node process (the web's consent flow). Null when no provider has that name.
/// </summary>
public sealed class OAuthProviderLookup(ActorRegistry registry, ISecretSealer sealer)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<OAuthProviderAccess?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var providers = await registry.GetAsync<OAuthProviderRegistry>(cancellationToken);
        var snapshot = await providers.Ask<OAuthProvidersSnapshot>(new GetOAuthProviders(), Timeout, cancellationToken);
        var provider = snapshot.Providers.FirstOrDefault(p => OAuthProviderRegistry.NameComparer.Equals(p.Name, name.Trim()));
        return provider is null ? null : Open(provider, sealer);
    }

    /// <summary>The provider with its client secret opened (none when it has none).</summary>
    public static OAuthProviderAccess Open(Core.OAuth.OAuthProvider provider, ISecretSealer sealer) =>
        new(provider, provider.ClientSecret is { IsNone: false } s ? sealer.Unseal(s) : null);
}
