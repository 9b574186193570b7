using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Stats;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Schedule;
using Akka.Hosting;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.CommuniGate;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Security;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Admin;

/// <summary>
/// The admin API on every node, registered with the ClusterClientReceptionist: it checks each
/// <see cref="AdminRequest"/>, routes it to the shard region or a singleton, and always answers an <see cref="AdminReply"/>.
/// Before anything runs, the request's credential is verified against the cluster secret and the caller's role is
/// checked (<see cref="AdminPermissions"/>): a missing, expired or forged token, or a command beyond the role, is
/// answered "permission denied" and nothing changes.
/// </summary>
public sealed class AdminApi : ReceiveActor, IWithTimers
{
    public const string Name = Contracts.AdminProtocol.AdminApiName;
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);
    /// <summary>A poll with Wait and no ticket answers when the poll ends, which may take as long as a poll may run (rpoll follows
    /// its polls with a ticket instead: a ClusterClient reply tunnel closes after 30 s without traffic).</summary>
    public static readonly TimeSpan PollWaitTimeout = TimeSpan.FromMinutes(30);

    private readonly IActorRef _accounts;
    private readonly IActorRef _moduleSettings;
    private readonly IActorRef _directory;
    private readonly IActorRef _hostHealth;
    private readonly ISecretSealer _sealer;
    /// <summary>The node's providers and token client (device flows); null where no node runs (tests of the API alone).</summary>
    private readonly Polling.PollEnvironment? _env;
    private readonly PollStats _stats;
    private readonly TokenVerifier _verifier;
    private readonly TokenSigner _signer;
    private readonly ClusterSecret _secret;
    private readonly IActorRef _revocations;
    /// <summary>The cluster's revoked token ids as last fetched; null until the first answer (then requests wait for it).</summary>
    private RevokedTokens? _revoked;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>How often the copy of the revoked token ids is fetched from the singleton.</summary>
    public static readonly TimeSpan RevocationsRefresh = TimeSpan.FromSeconds(2);

    public ITimerScheduler Timers { get; set; } = null!;

    public AdminApi(IActorRef accounts, IActorRef moduleSettings, IActorRef directory, IActorRef hostHealth, ISecretSealer sealer, ClusterSecret secret,
        PollStats stats, IActorRef revocations, Polling.PollEnvironment? env = null)
    {
        _env = env;
        _secret = secret;
        _revocations = revocations;
        _stats = stats;
        _verifier = secret.Verifier();
        _signer = secret.Signer();
        _hostHealth = hostHealth;
        _accounts = accounts;
        _moduleSettings = moduleSettings;
        _directory = directory;
        _sealer = sealer;
        Receive<AdminRequest>(Handle);
        // Revocations are never undone, so a refresh that crossed a revocation made here cannot forget it: merged.
        Receive<RevokedTokenList>(l => _revoked = l.Tokens.Aggregate(_revoked ?? RevokedTokens.None, (r, t) => r.Add(t.Id, t.At)));
        Receive<RefreshRevocations>(_ => _revocations.Tell(new GetRevokedTokens()));
        Receive<RevocationsFetched>(f =>
        {
            if (f.List is null)
            {
                f.ReplyTo.Tell(AdminReply.Failure("the cluster's revoked tokens could not be read (the singleton did not answer): try again"));
                return;
            }
            _revoked ??= f.List.ToRevokedTokens();
            Handle(f.Request, f.ReplyTo);
        });
        Receive<DeviceFlowStarted>(f => _deviceFlows[f.View.Ticket] = new DeviceFlow(f.Account, f.View, DateTimeOffset.UtcNow));
        Receive<DeviceFlowEnded>(e =>
        {
            if (!_deviceFlows.TryGetValue(e.Ticket, out var flow)) return;
            _deviceFlows[e.Ticket] = flow with { View = flow.View with { State = e.State, Message = e.Message }, Updated = DateTimeOffset.UtcNow };
            _log.Info($"authorization {e.Ticket} for {flow.Account}: {e.State}: {e.Message}");
        });
        Receive<TokenRevokedHere>(r =>
        {
            if (r.Reply.Ok) _revoked = (_revoked ?? RevokedTokens.None).Add(r.Id, DateTimeOffset.UtcNow);
            r.ReplyTo.Tell(r.Reply);
        });
        Timers.StartPeriodicTimer("revocations", RefreshRevocations.Instance, TimeSpan.Zero, RevocationsRefresh);
    }

    public static Props Props(IActorRef accounts, IActorRef moduleSettings, IActorRef directory, IActorRef hostHealth, ISecretSealer sealer,
        ClusterSecret secret, PollStats stats, IActorRef revocations, Polling.PollEnvironment? env = null) =>
        Akka.Actor.Props.Create(() => new AdminApi(accounts, moduleSettings, directory, hostHealth, sealer, secret, stats, revocations, env));

    private void Handle(AdminRequest request) => Handle(request, Sender);

    private void Handle(AdminRequest request, IActorRef sender)
    {
        var commandName = request.Command?.GetType().Name ?? "(none)";
        if (!_verifier.TryVerify(request.Credential, DateTimeOffset.UtcNow, out var token, out var reason))
        {
            _log.Info($"admin request {commandName} refused: {reason}");
            sender.Tell(AdminReply.Failure(AdminPermissions.Message(reason)));
            return;
        }
        if (_revoked is null)
        {
            // This node has not heard from the revocations singleton yet: a revoked token must not slip through now.
            _revocations.Ask<RevokedTokenList>(new GetRevokedTokens(), AskTimeout)
                .PipeTo(Self, success: l => new RevocationsFetched(request, sender, l),
                    failure: _ => new RevocationsFetched(request, sender, null));
            return;
        }
        if (_revoked.Contains(token.Id))
        {
            _log.Info($"admin request {commandName} refused: token {token.Id} was revoked");
            sender.Tell(AdminReply.Failure(AdminPermissions.Message($"the token {token.Id} was revoked")));
            return;
        }
        _log.Debug($"admin request {request.Command} by {token.Caller} (token {token.Id})");
        try
        {
            if (request.Command is null) { sender.Tell(AdminReply.Failure("command: is missing")); return; }
            if (AdminPermissions.Refusal(token.Caller, request.Command) is { } refusal)
            {
                _log.Info($"admin request {commandName} by {token.Caller} (token {token.Id}) refused: {refusal}");
                sender.Tell(AdminReply.Failure(AdminPermissions.Message(refusal)));
                return;
            }
            var byUser = token.Caller.Role == CallerRole.User;
            var byDomain = token.Caller.Role == CallerRole.Domain;
            switch (request.Command)
            {
                case WhoAmI: sender.Tell(AdminReply.Success(ViewOf(token))); break;
                case IssueToken t: sender.Tell(Issue(t, token)); break;
                case RotateSecrets r: Rotate(r, sender); break;
                case RevokeToken r: Revoke(r, sender); break;
                case RotateSigningSecret: RotateSigning(token, sender); break;
                case ClusterShow: sender.Tell(AdminReply.Success(ClusterAdmin.Show(Context.System))); break;
                case ClusterLeave l: sender.Tell(ClusterAdmin.Leave(Context.System, l.Address)); break;
                case ClusterDown d: sender.Tell(ClusterAdmin.Down(Context.System, d.Address)); break;
                case NodeStatsShow: sender.Tell(AdminReply.Success(NodeStats.Of(Context.System, _stats, _env?.Settings.Current?.PushConnections ?? 0))); break;
                case ShowRegionStats: ClusterAdmin.RegionStats(_accounts, AskTimeout).PipeTo(sender); break;
                case ModuleShow: ShowModule().PipeTo(sender); break;
                case ModuleSet: _moduleSettings.Tell(request.Command, sender); break;
                case DomainList or DomainShow or DomainSet: _directory.Tell(request.Command, sender); break;
                case HostsList or HostsClear: _hostHealth.Tell(request.Command, sender); break;
                case OAuthProviderSet or OAuthProviderShow or OAuthProviderList: OAuthProviders().Tell(request.Command, sender); break;
                case OAuthProviderRemove r: RemoveProvider(r).PipeTo(sender, failure: ex => AdminReply.Failure($"oauth provider remove: {ex.Message}")); break;
                case CgpGetRecords g: CgpGet(g).PipeTo(sender); break;
                case CgpSetRecords s: ToAccount(CgpSet(s), sender, byUser, byDomain); break;
                case AuthorizeRecord a: Authorize(a with { Account = AccountAddress.Normalize(a.Account) }, sender, byUser, byDomain); break;
                case GetAuthorization g: sender.Tell(_deviceFlows.TryGetValue(g.Ticket, out var flow) && flow.Account == AccountAddress.Normalize(g.Account)
                    ? AdminReply.Success(flow.View)
                    : AdminReply.Failure($"authorization {g.Ticket}: not known on this node (it ended more than {DeviceFlowsKept.TotalMinutes:0} minutes ago, or the node restarted)")); break;
                case IAccountCommand c: ToAccount(c, sender, byUser, byDomain); break;
                default: sender.Tell(AdminReply.Failure($"unknown command {request.Command.GetType().Name}")); break;
            }
        }
        catch (ValidationException ex)
        {
            sender.Tell(AdminReply.From(ex));
        }
        catch (CgpFormatException ex)
        {
            sender.Tell(AdminReply.Failure($"dictionary: {ex.Message}"));
        }
    }

    /// <summary>Device flows started here, by ticket; an ended one is kept a while for its follower.</summary>
    private readonly Dictionary<string, DeviceFlow> _deviceFlows = new(StringComparer.Ordinal);
    public static readonly TimeSpan DeviceFlowsKept = TimeSpan.FromMinutes(10);

    private sealed record DeviceFlow(string Account, OAuthAuthorizationView View, DateTimeOffset Updated);

    private sealed record DeviceFlowEnded(string Ticket, string State, string Message);

    /// <summary>
    /// Headless consent (issue 17 part 3): the record's provider is asked for a device code; the node then polls the token
    /// endpoint (honouring interval and slow_down) until the user approved it or the code expired, and stores the grant on the
    /// record through the account (refused there if the record's provider changed meanwhile). The tokens never leave the node.
    /// </summary>
    private void Authorize(AuthorizeRecord a, IActorRef sender, bool byUser, bool byDomain)
    {
        var self = Self;
        var env = _env;
        var accounts = _accounts;
        var kind = a.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP";
        foreach (var old in _deviceFlows.Where(f => DateTimeOffset.UtcNow - f.Value.Updated > DeviceFlowsKept && f.Value.View.State != OAuthAuthorizationView.Waiting)
                     .Select(f => f.Key).ToList())
            _deviceFlows.Remove(old);
        StartDevice().PipeTo(sender, failure: ex => AdminReply.Failure($"{kind.ToLowerInvariant()} authorize: {ex.Message}"));

        async Task<AdminReply> StartDevice()
        {
            var snapshot = await accounts.Ask<AccountSnapshot>(new FetchAccountState(a.Account), AskTimeout);
            var state = snapshot.ToState();
            var signIn = a.Kind == RecordKind.Rpop
                ? state.Rpop.TryGetValue(a.Name, out var r) ? (r.OAuth, r.Name) : default
                : state.Rimap.TryGetValue(a.Name, out var m) ? (m.OAuth, m.Name) : default;
            if (signIn.Name is null) return AdminReply.From(new ValidationException("Name", $"there is no {kind} record '{a.Name}'"));
            if (signIn.OAuth is null)
                return AdminReply.From(new ValidationException("Name", $"the {kind} record '{signIn.Name}' does not sign in with OAuth2 (--auth oauth2 --oauth-provider NAME)"));
            if (env is null) return AdminReply.Failure("this node cannot run device flows");
            if (env.OAuthProviders.Find(signIn.OAuth.Provider) is not { } provider)
                return AdminReply.From(new ValidationException("OAuthProvider", $"'{signIn.OAuth.Provider}' is not a registered OAuth2 provider"));
            if (provider.Grant == Core.OAuth.OAuthGrantType.ClientCredentials)
                return AdminReply.From(new ValidationException("OAuthProvider", $"'{provider.Name}' uses client credentials: its records need no consent"));
            var access = OAuthProviderLookup.Open(provider, env.Sealer);
            Mail.OAuth.OAuthDeviceAuthorization device;
            try { device = await env.OAuthTokens.Client.StartDeviceAsync(provider, access.ClientSecret, CancellationToken.None); }
            catch (Exception ex) when (ex is Mail.OAuth.OAuthTokenException or Mail.OAuth.OAuthGrantRefusedException) { return AdminReply.Failure(ex.Message); }
            var ticket = Guid.NewGuid().ToString("N");
            var view = new OAuthAuthorizationView(ticket, OAuthAuthorizationView.Waiting, device.UserCode, device.VerificationUri,
                device.VerificationUriComplete, device.ExpiresAt, null);
            self.Tell(new DeviceFlowStarted(a.Account, view));
            _ = CompleteDevice(ticket, provider, access.ClientSecret, device, signIn.Name, signIn.OAuth.Provider);
            return AdminReply.Success(view);
        }

        async Task CompleteDevice(string ticket, Core.OAuth.OAuthProvider provider, string? secret, Mail.OAuth.OAuthDeviceAuthorization device, string name, string providerName)
        {
            string state, message;
            try
            {
                using var expiry = new CancellationTokenSource(device.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));
                var tokens = await env!.OAuthTokens.Client.CompleteDeviceAsync(provider, secret, device, expiry.Token);
                if (tokens.RefreshToken is null) { self.Tell(new DeviceFlowEnded(ticket, OAuthAuthorizationView.Failed, "the provider gave no refresh token (offline access not granted)")); return; }
                var store = new StoreOAuthGrant(a.Account, a.Kind, name, providerName, tokens.RefreshToken, null, DateTimeOffset.UtcNow);
                var reply = await accounts.Ask<AdminReply>(new AccountEnvelope(store, env.Directory.Current.MainDomain, byUser, byDomain), AskTimeout);
                (state, message) = reply.Ok ? (OAuthAuthorizationView.Connected, $"{kind} record '{name}' connected through {providerName}")
                    : (OAuthAuthorizationView.Failed, $"{reply.Error ?? "the grant was not stored"}; " +
                        await env.OAuthTokens.Client.RevokeUnstoredAsync(provider, secret, tokens.RefreshToken, CancellationToken.None));
            }
            catch (Mail.OAuth.OAuthGrantRefusedException ex) { (state, message) = (OAuthAuthorizationView.Failed, ex.Message); }
            catch (OperationCanceledException) { (state, message) = (OAuthAuthorizationView.Failed, "the device code expired before the user approved it"); }
            catch (Exception ex) { (state, message) = (OAuthAuthorizationView.Failed, ex.Message); }
            self.Tell(new DeviceFlowEnded(ticket, state, message));
        }
    }

    private sealed record DeviceFlowStarted(string Account, OAuthAuthorizationView View);

    private static CallerView ViewOf(AccessToken t) => new(t.Caller.RoleName, t.Caller.Domain, t.Caller.Account, t.Id, t.Expires);

    private AdminReply Issue(IssueToken t, AccessToken issuer)
    {
        var caller = Caller.Create(RoleNames.Parse(t.Role), t.Domain, t.Account);
        var (text, issued) = _signer.IssueToken(caller, DateTimeOffset.UtcNow, TokenLifetime.Parse(t.Expires));
        _log.Info($"token {issued.Id} issued for {caller} until {issued.Expires:u} by {issuer.Caller} (token {issuer.Id})");
        return AdminReply.Success(new IssuedToken(text, ViewOf(issued)));
    }

    private void Revoke(RevokeToken r, IActorRef sender)
    {
        var id = RevokedTokens.CheckId(r.Id);
        _revocations.Ask<AdminReply>(r with { Id = id }, AskTimeout)
            .PipeTo(Self, success: reply => new TokenRevokedHere(id, reply, sender),
                failure: ex => new TokenRevokedHere(id, AdminReply.Failure($"token revoke: the cluster did not answer: {ex.Message}"), sender));
    }

    /// <summary>
    /// A new signing secret (one-node cluster, data-folder secret file): every token issued before is refused from now
    /// on, on this node at once. The caller gets a new token for the rest of their old one's lifetime.
    /// </summary>
    private void RotateSigning(AccessToken caller, IActorRef sender)
    {
        var members = Akka.Cluster.Cluster.Get(Context.System).State.Members.Count;
        if (members > 1)
        {
            sender.Tell(AdminReply.Failure($"secrets rotate --signing: all {members} nodes must verify with the same secret: put a new one into every " +
                "node's secret source (DATA/cluster.secret, RPOLL_CLUSTER_SECRET or RPOLL_CLUSTER_SECRET_FILE) and restart the nodes one by one; " +
                "to refuse single tokens at once, use 'token revoke ID'"));
            return;
        }
        if (!_secret.CanRotate)
        {
            sender.Tell(AdminReply.Failure($"secrets rotate --signing: the secret comes from {_secret.Source}: put a new one there and restart the node"));
            return;
        }
        _secret.Rotate();
        var now = DateTimeOffset.UtcNow;
        var left = caller.Expires - now;
        var (text, issued) = _signer.IssueToken(caller.Caller, now, left < TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : left);
        _log.Warning($"secrets rotate --signing by {caller.Caller} (token {caller.Id}): the cluster secret in {_secret.Source} was replaced; " +
            $"every token issued before is refused; new token {issued.Id} issued to the caller");
        sender.Tell(AdminReply.Success(new IssuedToken(text, ViewOf(issued))));
    }

    private sealed class RefreshRevocations
    {
        public static readonly RefreshRevocations Instance = new();
    }

    private sealed record RevocationsFetched(AdminRequest Request, IActorRef ReplyTo, RevokedTokenList? List);

    private sealed record TokenRevokedHere(string Id, AdminReply Reply, IActorRef ReplyTo);

    /// <summary>Adds a key (one-node cluster, data-folder key file) then has every account re-seal its passwords.</summary>
    private void Rotate(RotateSecrets r, IActorRef sender)
    {
        string? added = null;
        if (!r.ResealOnly)
        {
            var members = Akka.Cluster.Cluster.Get(Context.System).State.Members.Count;
            if (members > 1)
            {
                sender.Tell(AdminReply.Failure($"secrets rotate: every one of the {members} nodes must hold a new key before it seals with it: add a key " +
                    "line to every node's key source (DATA/secrets.keys, RPOLL_SECRETS_KEYS or RPOLL_SECRETS_KEYS_FILE), restart the nodes one by one, " +
                    "then run 'secrets rotate --reseal-only'"));
                return;
            }
            if (_sealer is not KeyRing { CanAddKeys: true } ring)
            {
                sender.Tell(AdminReply.Failure($"secrets rotate: the keys come from {(_sealer as KeyRing)?.Source ?? "outside the data folder"}: add a key " +
                    "line there, restart the node, then run 'secrets rotate --reseal-only'"));
                return;
            }
            added = ring.AddKey();
            _log.Info($"secrets rotate: key {added} added to {ring.Source}; it seals from now on");
        }
        ResealAll(Context.System, added).PipeTo(sender, failure: ex => AdminReply.Failure($"secrets rotate: {ex.Message}"));
    }

    private async Task<AdminReply> ResealAll(ActorSystem system, string? added)
    {
        var failures = new List<string>();
        var providerRegistry = OAuthProviders(); // no actor context after an await
        var accounts = await KnownAccounts(system, failures);
        var passwords = 0;
        foreach (var batch in accounts.Chunk(16))
        {
            var answers = await Task.WhenAll(batch.Select(a => _accounts.Ask<PasswordsResealed>(new ResealPasswords(a), AskTimeout)));
            passwords += answers.Sum(x => x.Count);
            failures.AddRange(answers.Where(x => x.Error is not null).Select(x => $"{x.Account}: {x.Error}"));
        }
        var providers = await providerRegistry.Ask<OAuthProvidersResealed>(new ResealOAuthProviders(), AskTimeout);
        if (providers.Error is not null) failures.Add($"OAuth2 providers: {providers.Error}");
        var what = $"{(added is null ? "" : $"key {added} added; ")}{passwords} password{(passwords == 1 ? "" : "s")} of {accounts.Count} account{(accounts.Count == 1 ? "" : "s")} " +
            $"(OAuth2 grants counted as passwords) and {providers.Count} OAuth2 client secret{(providers.Count == 1 ? "" : "s")} sealed again with the current key";
        return failures.Count == 0
            ? AdminReply.Success(new Done(what))
            : AdminReply.Failure($"secrets rotate: {what}, but {failures.Count} failed: {string.Join("; ", failures.Take(10))}");
    }

    /// <summary>
    /// Every account that has or had records. Every account with records is listed by its shard's wake schedule, running or
    /// not. The journal adds accounts whose events are still there (an account without records keeps its ledgers); one whose
    /// events were all deleted behind a snapshot is not listed by the journal query, which is why the schedules are asked too.
    /// </summary>
    private static async Task<HashSet<string>> KnownAccounts(ActorSystem system, List<string> failures)
    {
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var ids = await journal.CurrentPersistenceIds()
            .Where(id => id.StartsWith(AccountEntity.PersistenceIdPrefix, StringComparison.Ordinal))
            .RunWith(Sink.Seq<string>(), system.Materializer());
        accounts.UnionWith(ids.Select(id => id[AccountEntity.PersistenceIdPrefix.Length..]));
        var schedules = ActorRegistry.For(system).Get<WakeScheduleRegion>();
        foreach (var shard in AccountShards.All)
        {
            try { accounts.UnionWith((await schedules.Ask<ScheduledAccounts>(new ListScheduledAccounts(shard), AskTimeout)).Accounts); }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                failures.Add($"the wake schedule of shard {shard} did not list its accounts");
            }
        }
        return accounts;
    }

    private IActorRef OAuthProviders() => ActorRegistry.For(Context.System).Get<OAuthProviderRegistry>();

    /// <summary>
    /// Removes a provider only when no record signs in through it: the registry first stops confirming the provider to
    /// accounts (<see cref="RetireOAuthProvider"/>; an account confirms a provider before it saves a record that starts naming
    /// it), a save confirmed just before is given time to reach the journal, then every known account is read, and the records
    /// that use it are named in the refusal. So no record can come to name a provider that is removed meanwhile.
    /// </summary>
    /// <summary>
    /// The module settings, with the push connections held cluster-wide as the push governor counts them (issue 20); a
    /// governor that does not answer (it is moving) leaves the count out rather than failing the settings.
    /// </summary>
    private async Task<AdminReply> ShowModule()
    {
        var settings = _moduleSettings.Ask<AdminReply>(new ModuleShow(), AskTimeout);
        PermitUse? push = null;
        if (ActorRegistry.For(Context.System).TryGet<PushGovernor>(out var governor))
        {
            try { push = await governor.Ask<PermitUse>(new GetPermitUse(), PushCountTimeout).ConfigureAwait(false); }
            catch (AskTimeoutException) { }
        }
        var reply = await settings.ConfigureAwait(false);
        return reply is { Result: ModuleSettingsView view } && push is not null ? reply with { Result = view with { PushHeld = push.InUse } } : reply;
    }

    private static readonly TimeSpan PushCountTimeout = TimeSpan.FromSeconds(3);

    private async Task<AdminReply> RemoveProvider(OAuthProviderRemove remove)
    {
        var registry = OAuthProviders();
        var system = Context.System; // no actor context after an await
        var retiring = await registry.Ask<OAuthProviderRetiring>(new RetireOAuthProvider(remove.Name.Trim()), AskTimeout);
        if (retiring.Name is not { } name)
            return AdminReply.From(new ValidationException("Name", $"'{remove.Name}' is not a registered OAuth2 provider"));
        try
        {
            if (retiring.LastConfirmed is { } last && DateTimeOffset.UtcNow - last < ConfirmedSaveGrace)
                await Task.Delay(ConfirmedSaveGrace - (DateTimeOffset.UtcNow - last));
            var failures = new List<string>();
            var users = new List<string>();
            foreach (var batch in (await KnownAccounts(system, failures)).Chunk(16))
            {
                var snapshots = await Task.WhenAll(batch.Select(a => _accounts.Ask<AccountSnapshot>(new FetchAccountState(a), AskTimeout)));
                foreach (var state in snapshots.Select(x => x.ToState()))
                {
                    users.AddRange(state.Rpop.Values.Where(r => Uses(r.OAuth)).Select(r => $"{state.Address} rpop {r.Name}"));
                    users.AddRange(state.Rimap.Values.Where(r => Uses(r.OAuth)).Select(r => $"{state.Address} rimap {r.Name}"));
                }
            }
            AdminReply? refusal = users.Count > 0
                ? AdminReply.From(new ValidationException("Name", $"'{name}' is used by {users.Count} record{(users.Count == 1 ? "" : "s")}: " +
                    $"{string.Join(", ", users.Take(20))}{(users.Count > 20 ? ", ..." : "")}; change or remove them first"))
                : failures.Count > 0
                    ? AdminReply.Failure($"oauth provider remove: not every account could be read ({string.Join("; ", failures.Take(5))}): nothing removed")
                    : null;
            if (refusal is not null)
            {
                registry.Tell(new ReleaseOAuthProvider(name));
                return refusal;
            }
            return await registry.Ask<AdminReply>(new RemoveUnusedOAuthProvider(name), AskTimeout);
        }
        catch
        {
            registry.Tell(new ReleaseOAuthProvider(name));
            throw;
        }

        bool Uses(Core.OAuth.OAuthSignIn? signIn) => signIn is not null && OAuthProviderRegistry.NameComparer.Equals(signIn.Provider, name);
    }

    /// <summary>How long a record save confirmed by the registry may take to reach the journal; a removal right after waits that long.</summary>
    public static readonly TimeSpan ConfirmedSaveGrace = TimeSpan.FromSeconds(10);

    private void ToAccount(IAccountCommand command, IActorRef sender, bool byAccountUser, bool byDomainAdministrator)
    {
        var normalized = Normalize(command);
        Send(normalized, byAccountUser, byDomainAdministrator).PipeTo(sender, failure: ex => AdminReply.Failure($"the account did not answer: {ex.Message}"));
    }

    private async Task<AdminReply> Send(IAccountCommand command, bool byAccountUser, bool byDomainAdministrator)
    {
        if (ProvidersNamed(command) is { Count: > 0 } named)
        {
            try { command = await WithRegisteredProviders(command, named); }
            catch (ValidationException ex) { return AdminReply.From(ex); }
        }
        var timeout = command is PollRecord { Wait: true, Ticket: null } ? PollWaitTimeout : AskTimeout;
        return await _accounts.Ask<AdminReply>(new AccountEnvelope(command, MainDomain, byAccountUser, byDomainAdministrator), timeout);
    }

    /// <summary>The main domain from this node's replicated copy of the directory: read locally, no singleton is asked.</summary>
    private string? MainDomain => _env?.Directory.Current.MainDomain;

    /// <summary>The OAuth2 providers a record change names (by field), so they are checked against the registry before the account sees them.</summary>
    private static List<(string Field, string Provider)> ProvidersNamed(IAccountCommand command) => command switch
    {
        SetRpopRecord { Change.OAuthProvider: { Length: > 0 } p } => [("OAuthProvider", p)],
        SetRimapRecord { Change.OAuthProvider: { Length: > 0 } p } => [("OAuthProvider", p)],
        ReplaceRpopRecords r => r.Records.Where(x => x.OAuthProvider is { Length: > 0 }).Select(x => ($"{x.Name}: oauthProvider", x.OAuthProvider!)).ToList(),
        ReplaceRimapRecords r => r.Records.Where(x => x.OAuthProvider is { Length: > 0 }).Select(x => ($"{x.Name}: oauthProvider", x.OAuthProvider!)).ToList(),
        _ => [],
    };

    /// <summary>
    /// Every named provider must be registered (a field error names the one that is not); the command is returned with the
    /// names spelt as registered, so records and the registry agree on them.
    /// </summary>
    private async Task<IAccountCommand> WithRegisteredProviders(IAccountCommand command, List<(string Field, string Provider)> named)
    {
        var known = await OAuthProviders().Ask<OAuthProvidersSnapshot>(new GetOAuthProviders(), AskTimeout);
        string? Registered(string name) => known.Providers.FirstOrDefault(p => OAuthProviderRegistry.NameComparer.Equals(p.Name, name.Trim()))?.Name;
        var errors = named.Where(n => Registered(n.Provider) is null)
            .Select(n => new FieldError(n.Field, $"'{n.Provider}' is not a registered OAuth2 provider (see 'rpoll oauth provider list')")).ToList();
        if (errors.Count > 0) throw new ValidationException(errors);
        string? Canonical(string? name) => name is { Length: > 0 } ? Registered(name) : name;
        return command switch
        {
            SetRpopRecord c => c with { Change = c.Change with { OAuthProvider = Canonical(c.Change.OAuthProvider) } },
            SetRimapRecord c => c with { Change = c.Change with { OAuthProvider = Canonical(c.Change.OAuthProvider) } },
            ReplaceRpopRecords c => c with { Records = c.Records.Select(x => x with { OAuthProvider = Canonical(x.OAuthProvider) }).ToList() },
            ReplaceRimapRecords c => c with { Records = c.Records.Select(x => x with { OAuthProvider = Canonical(x.OAuthProvider) }).ToList() },
            _ => command,
        };
    }

    private async Task<AdminReply> CgpGet(CgpGetRecords get)
    {
        var account = AccountAddress.Normalize(get.Account);
        var snapshot = await _accounts.Ask<AccountSnapshot>(new FetchAccountState(account), AskTimeout);
        Func<SealedSecret, string>? unseal = get.WithPasswords ? _sealer.Unseal : null;
        var dictionary = get.Kind == RecordKind.Rpop
            ? RecordDictionaries.FromRpop(snapshot.Rpop, unseal)
            : RecordDictionaries.FromRimap(snapshot.Rimap, unseal);
        return AdminReply.Success(new CgpText(CgpPrinter.Print(dictionary)));
    }

    private static IAccountCommand CgpSet(CgpSetRecords set)
    {
        var value = CgpParser.Parse(set.Dictionary);
        return set.Kind == RecordKind.Rpop
            ? new ReplaceRpopRecords(set.Account, RecordDictionaries.ToRpopChanges(value)) { SpreadFirstPolls = set.SpreadFirstPolls }
            : new ReplaceRimapRecords(set.Account, RecordDictionaries.ToRimapChanges(value));
    }

    /// <summary>The same command addressed to the normalised account (the shard entity id).</summary>
    private static IAccountCommand Normalize(IAccountCommand c)
    {
        var a = AccountAddress.Normalize(c.Account);
        return c switch
        {
            SetRpopRecord x => x with { Account = a },
            SetRimapRecord x => x with { Account = a },
            RemoveRecord x => x with { Account = a },
            ReplaceRpopRecords x => x with { Account = a },
            ReplaceRimapRecords x => x with { Account = a },
            SetAccountSettings x => x with { Account = a },
            GetAccount x => x with { Account = a },
            PollRecord x => x with { Account = a },
            GetPollProgress x => x with { Account = a },
            ImportUids x => x with { Account = a },
            StoreOAuthGrant x => x with { Account = a },
            _ => throw new ValidationException("command", $"{c.GetType().Name} is not an account command"),
        };
    }
}
