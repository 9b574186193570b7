using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// The registered OAuth2 providers (issue 17, part 1): a persistent cluster singleton journaled like the module settings.
/// Client secrets are sealed before they are persisted and never leave it in clear text: replies carry
/// <see cref="OAuthProviderView"/>, and <see cref="OAuthProvidersSnapshot"/> holds them sealed.
/// </summary>
public sealed class OAuthProviderRegistry(ISecretSealer sealer) : SnapshottingActor
{
    private ImmutableSortedDictionary<string, OAuthProvider> _providers = ImmutableSortedDictionary.Create<string, OAuthProvider>(NameComparer);

    /// <summary>Providers being removed (since when): confirmed to no account meanwhile. In memory: a registry that moves forgets them.</summary>
    private readonly Dictionary<string, DateTimeOffset> _retiring = new(NameComparer);
    /// <summary>When an account was last told it may name each provider.</summary>
    private readonly Dictionary<string, DateTimeOffset> _lastConfirmed = new(NameComparer);

    /// <summary>A removal that neither removed nor released its provider (its admin API stopped) holds it no longer than this.</summary>
    public static readonly TimeSpan RetiringFor = TimeSpan.FromMinutes(5);

    /// <summary>Provider names are compared without case, like record names.</summary>
    public static readonly StringComparer NameComparer = StringComparer.OrdinalIgnoreCase;

    public static Props Props(ISecretSealer sealer) => Akka.Actor.Props.Create(() => new OAuthProviderRegistry(sealer));

    public override string PersistenceId => "oauth-providers";

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: OAuthProvidersSnapshot s }: _providers = s.Providers.Aggregate(_providers.Clear(), (d, p) => d.SetItem(p.Name, p)); return true;
            case OAuthProviderSaved e: _providers = _providers.Remove(e.Provider.Name).Add(e.Provider.Name, e.Provider); return true;
            case OAuthProviderRemoved e: _providers = _providers.Remove(e.Name); return true;
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case GetOAuthProviders:
                Sender.Tell(Snapshot());
                return true;
            case OAuthProviderList:
                Sender.Tell(AdminReply.Success(new OAuthProvidersView(_providers.Values.Select(OAuthProviderView.Of).ToList())));
                return true;
            case OAuthProviderShow s:
                Sender.Tell(_providers.TryGetValue(s.Name.Trim(), out var shown)
                    ? AdminReply.Success(new OAuthProvidersView([OAuthProviderView.Of(shown)]))
                    : AdminReply.From(new ValidationException("Name", $"'{s.Name}' is not a registered OAuth2 provider")));
                return true;
            case OAuthProviderSet set:
                Set(set.Change);
                return true;
            case RemoveUnusedOAuthProvider r:
                Remove(r.Name);
                return true;
            case ConfirmOAuthProviders c:
                Confirm(c);
                return true;
            case RetireOAuthProvider r:
                Sender.Tell(_providers.TryGetValue(r.Name.Trim(), out var retiring)
                    ? new OAuthProviderRetiring(retiring.Name, _lastConfirmed.TryGetValue(retiring.Name, out var last) ? last : null)
                    : new OAuthProviderRetiring(null, null));
                if (retiring is not null) _retiring[retiring.Name] = DateTimeOffset.UtcNow;
                return true;
            case ReleaseOAuthProvider r:
                _retiring.Remove(r.Name);
                return true;
            case ResealOAuthProviders:
                Reseal();
                return true;
            default:
                return false;
        }
    }

    private OAuthProvidersSnapshot Snapshot() => new(_providers.Values.ToList());

    /// <summary>Registered and not being removed: confirmed (and the time kept); any other name is refused.</summary>
    private void Confirm(ConfirmOAuthProviders c)
    {
        var now = DateTimeOffset.UtcNow;
        var refused = new List<string>();
        foreach (var name in c.Names)
        {
            if (!_providers.TryGetValue(name.Trim(), out var p) || (_retiring.TryGetValue(p.Name, out var since) && now - since < RetiringFor))
                refused.Add(name);
            else _lastConfirmed[p.Name] = now;
        }
        Sender.Tell(new OAuthProvidersConfirmed(refused));
    }

    private void Set(OAuthProviderChange change)
    {
        _providers.TryGetValue(change.Name?.Trim() ?? "", out var existing);
        OAuthProvider next;
        try { next = (change with { Name = existing?.Name ?? change.Name?.Trim() ?? "" }).ApplyTo(existing, sealer); }
        catch (ValidationException ex) { Sender.Tell(AdminReply.From(ex)); return; }
        if (next == existing) { Sender.Tell(AdminReply.Success(new OAuthProvidersView([OAuthProviderView.Of(next)]))); return; }
        var sender = Sender;
        Persist(new OAuthProviderSaved(next), e =>
        {
            _providers = _providers.Remove(e.Provider.Name).Add(e.Provider.Name, e.Provider);
            MaybeSnapshot(Snapshot);
            sender.Tell(AdminReply.Success(new OAuthProvidersView([OAuthProviderView.Of(e.Provider)])));
        });
    }

    private void Remove(string name)
    {
        if (!_providers.TryGetValue(name.Trim(), out var existing))
        {
            Sender.Tell(AdminReply.From(new ValidationException("Name", $"'{name}' is not a registered OAuth2 provider")));
            return;
        }
        // Only after RetireOAuthProvider, within its time: no account was told it may name the provider while the records were read.
        if (!_retiring.TryGetValue(existing.Name, out var since) || DateTimeOffset.UtcNow - since >= RetiringFor)
        {
            Sender.Tell(AdminReply.Failure($"oauth provider remove: reading the records took longer than {RetiringFor.TotalMinutes:0} minutes: nothing removed; try again"));
            return;
        }
        var sender = Sender;
        Persist(new OAuthProviderRemoved(existing.Name), e =>
        {
            _providers = _providers.Remove(e.Name);
            _retiring.Remove(e.Name);
            _lastConfirmed.Remove(e.Name);
            MaybeSnapshot(Snapshot);
            sender.Tell(AdminReply.Success(new Done($"OAuth2 provider '{e.Name}' removed")));
        });
    }

    /// <summary>Key rotation: client secrets sealed with an older key, sealed again; then a snapshot so the old ciphertexts leave the journal.</summary>
    private void Reseal()
    {
        var sender = Sender;
        List<OAuthProviderSaved> events;
        try
        {
            events = _providers.Values.Where(p => p.ClientSecret is { IsNone: false } s && sealer.NeedsResealing(s))
                .Select(p => new OAuthProviderSaved(p with { ClientSecret = sealer.Seal(sealer.Unseal(p.ClientSecret!)) })).ToList();
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            sender.Tell(new OAuthProvidersResealed(0, ex.Message));
            return;
        }
        if (events.Count == 0) { sender.Tell(new OAuthProvidersResealed(0)); return; }
        var applied = 0;
        PersistAll(events, e =>
        {
            _providers = _providers.SetItem(e.Provider.Name, e.Provider);
            if (++applied < events.Count) return;
            SnapshotNow(Snapshot());
            sender.Tell(new OAuthProvidersResealed(events.Count));
        });
    }
}
