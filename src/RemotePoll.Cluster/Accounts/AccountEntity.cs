using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Schedule;
using Akka.Hosting;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Security;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Accounts;

/// <summary>
/// One local account, sharded by address and event-sourced: the thin shell around <see cref="AccountState"/>.
/// It receives, lets the state decide, persists the events, applies them and replies. An account without records
/// passivates, which also takes it out of the remembered entities.
/// </summary>
public sealed class AccountEntity : SnapshottingActor
{
    private readonly PollEnvironment _env;
    private readonly ISecretSealer _sealer;
    // Made when the first record of the kind appears: most accounts have records of one kind only.
    private Dictionary<string, IActorRef>? _rpopPollers;
    private Dictionary<string, IActorRef>? _rimapPollers;
    private AccountState _state;

    public AccountEntity(string address, PollEnvironment env)
    {
        _env = env;
        _sealer = env.Sealer;
        _state = AccountState.Empty(address);
        PersistenceId = PersistenceIdPrefix + address;
    }

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer o:
                if (o.Snapshot is AccountSnapshot s) _state = s.ToState();
                return true;
            case IAccountEvent e:
                _state = _state.Apply(e);
                return true;
            case RecoveryCompleted:
                SyncPollers(spreadFirstPolls: true);
                // Woken by a schedule that still lists it (its unlisting was lost): take it out.
                if (!_state.HasRecords) Schedules()?.Tell(new UnscheduleAccount(AccountShards.Of(_state.Address), _state.Address));
                return true;
            default:
                return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case AccountEnvelope envelope:
                Handle(envelope);
                return true;
            case FetchAccountState:
                Sender.Tell(AccountSnapshot.From(_state));
                return true;
            case CommitLedger c:
                PersistAndAck(new LedgerChanged(c.Name, c.Change), RecordKind.Rpop, c.Name);
                return true;
            case MarkInFlight c:
                PersistAndAck(new DeliveriesStarted(c.Name, c.Deliveries), RecordKind.Rpop, c.Name);
                return true;
            case CommitUnified c:
                PersistAndAck(new UnifiedDeliveriesRecorded(c.Name, c.Change), RecordKind.Rpop, c.Name);
                return true;
            case ResealPasswords:
                Reseal();
                return true;
            case CommitMark c:
                PersistAndAck(new RimapFolderMarked(c.Name, c.Folder, c.Mark), RecordKind.Rimap, c.Name);
                return true;
            case CommitOAuthGrant c:
                CommitRotatedGrant(c);
                return true;
            case PollCompleted c:
                Completed(c);
                return true;
            case WakeAccount w:
                Woken(w);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A poller's progress (ledger, in-flight marks, folder marks): persisted, applied, handed to the record's poller, then
    /// acknowledged; the poller has the ledgers in its mailbox before the poll that committed can end.
    /// </summary>
    private void PersistAndAck(IAccountEvent change, RecordKind kind, string name)
    {
        var sender = Sender;
        Persist(change, e =>
        {
            _state = _state.Apply(e);
            MaybeSnapshot(() => AccountSnapshot.From(_state));
            if ((kind == RecordKind.Rpop ? _rpopPollers : _rimapPollers)?.GetValueOrDefault(name) is { } poller)
                poller.Tell(new LedgersUpdated(RecordLedgers.Of(_state, kind, name)));
            sender.Tell(new LedgerCommitted());
        });
    }

    /// <summary>
    /// A refresh token the provider rotated, persisted before the poller uses the new access token; the poller then gets the
    /// record with it. Not persisted when the record's grant changed meanwhile (a new consent wins over a rotation of the old one).
    /// </summary>
    private void CommitRotatedGrant(CommitOAuthGrant c)
    {
        var current = c.Kind == RecordKind.Rpop
            ? _state.Rpop.TryGetValue(c.Name, out var rpop) ? rpop.OAuth : null
            : _state.Rimap.TryGetValue(c.Name, out var rimap) ? rimap.OAuth : null;
        if (current?.Grant != c.Replaces || current.Provider != c.SignIn.Provider)
        {
            Sender.Tell(new LedgerCommitted());
            return;
        }
        var sender = Sender;
        Persist(new OAuthGrantStored(c.Kind, c.Name, c.SignIn), e =>
        {
            _state = _state.Apply(e);
            MaybeSnapshot(() => AccountSnapshot.From(_state));
            sender.Tell(new LedgerCommitted());
            SyncPollers();
        });
    }

    private void Completed(PollCompleted c)
    {
        var r = c.Report;
        var events = new List<IAccountEvent>
        {
            r.Ok
                ? new PollSucceeded(c.Kind, r.Name, r.Ended, r.Messages, r.Bytes) { LoginDelay = r.LoginDelay }
                : new PollFailed(c.Kind, r.Name, r.Ended, Enum.TryParse<PollErrorKind>(r.ErrorKind, out var k) ? k : PollErrorKind.Internal, r.Error ?? "failed")
                {
                    LoginDelay = r.LoginDelay,
                },
        };
        // Try Now is served when its poll ends, whatever the outcome (spec, RIMAP Try Now).
        if (c.ServedOrder is { } order) events.Add(new RimapOrderCleared(r.Name, order));
        PersistAll(events, ev =>
        {
            _state = _state.Apply(ev);
            MaybeSnapshot(() => AccountSnapshot.From(_state));
            if (ev is RimapOrderCleared) SyncPollers();
        });
    }

    public const string PersistenceIdPrefix = "account-";

    public override string PersistenceId { get; }

    public static Props Props(string address, PollEnvironment env) =>
        Akka.Actor.Props.Create<AccountEntity>(address, env).WithMailbox(CompactMailbox.ConfigPath);

    /// <summary>
    /// One poller per record: started, told of changes, stopped when the record goes. New pollers spread a first poll
    /// that is due now over their period when <paramref name="spreadFirstPolls"/>: after a recovery (everything
    /// overdue at once) and after a bulk import.
    /// </summary>
    private void SyncPollers(bool spreadFirstPolls = false)
    {
        Sync(ref _rpopPollers, _state.Rpop, RecordKind.Rpop,
            (r, ledgers, last) => RpopPoller.Props(_state.Address, r, ledgers, last, _env, spreadFirstPolls, _state.StatusOf(RecordKind.Rpop, r.Name).LoginDelay),
            (r, last) => new RpopRecordUpdated(r, last));
        Sync(ref _rimapPollers, _state.Rimap, RecordKind.Rimap,
            (r, ledgers, last) => RimapPoller.Props(_state.Address, r, ledgers, last, _env, spreadFirstPolls), (r, _) => new RimapRecordUpdated(r));
    }

    private void Sync<TRecord>(ref Dictionary<string, IActorRef>? known, IReadOnlyDictionary<string, TRecord> records, RecordKind kind,
        Func<TRecord, RecordLedgers, DateTimeOffset?, Props> props, Func<TRecord, DateTimeOffset?, object> updated)
    {
        if (known is null && records.Count == 0) return;
        var pollers = known ??= new Dictionary<string, IActorRef>(AccountState.NameComparer);
        foreach (var (name, record) in records)
        {
            var status = _state.StatusOf(kind, name);
            var lastAttempt = Max(status.Last, status.ErrorAt);
            // The ledgers go with the record: saving or importing may have changed them, and the next poll starts from them.
            var ledgers = RecordLedgers.Of(_state, kind, name);
            if (pollers.TryGetValue(name, out var poller))
            {
                poller.Tell(updated(record, lastAttempt));
                poller.Tell(new LedgersUpdated(ledgers));
            }
            else pollers[name] = Context.ActorOf(props(record, ledgers, lastAttempt).WithMailbox(CompactMailbox.ConfigPath), $"{kind.ToString().ToLowerInvariant()}-{Uri.EscapeDataString(name)}");
        }
        foreach (var gone in pollers.Keys.Where(n => !records.ContainsKey(n)).ToList())
        {
            Schedules()?.Tell(new WakeReport(AccountShards.Of(_state.Address), _state.Address, pollers[gone].Path.Name, null, Removed: true));
            Context.Stop(pollers[gone]);
            pollers.Remove(gone);
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private void Handle(AccountEnvelope envelope)
    {
        if (envelope.Command is GetPollProgress g)
        {
            ProgressOf(g);
            return;
        }
        IReadOnlyList<IAccountEvent> events;
        try
        {
            events = _state.Process(envelope.Command,
                new AccountContext(DateTimeOffset.UtcNow, envelope.MainDomain, _sealer, _env.Settings.Current ?? ModuleSettings.Default)
                { ByAccountUser = envelope.ByAccountUser, ByDomainAdministrator = envelope.ByDomainAdministrator, CaFolder = _env.Limits.CaFolder });
        }
        catch (PermissionDeniedException ex)
        {
            Sender.Tell(AdminReply.Failure(ex.Message));
            PassivateIfEmpty();
            return;
        }
        catch (ValidationException ex)
        {
            Sender.Tell(AdminReply.From(ex));
            PassivateIfEmpty();
            return;
        }

        switch (envelope.Command)
        {
            case GetAccount:
                Sender.Tell(AdminReply.Success(AccountViews.Of(_state)));
                PassivateIfEmpty();
                return;
            case PollRecord { Kind: RecordKind.Rpop } p:
                PollNow(_rpopPollers![p.Name], p, Sender);
                return;
        }

        if (events.Count == 0)
        {
            Sender.Tell(AdminReply.Success(new Done("nothing to change")));
            PassivateIfEmpty();
            return;
        }

        var sender = Sender;
        var targets = UnsafeTargetsToCheck(events);
        var providers = ProvidersToConfirm(events);
        if (targets.Count == 0 && providers.Count == 0)
        {
            Commit(envelope, events, sender);
            return;
        }
        // Outbound safety at save: the hosts of account users' records, resolved now (the poller checks again at connect).
        // OAuth2 providers a record starts naming: confirmed by the registry now, so a removal under way cannot miss this save.
        RunTask(async () =>
        {
            var errors = new List<FieldError>();
            if (providers.Count > 0 && ActorRegistry.For(Context.System).TryGet<OAuthProviderRegistry>(out var registry))
            {
                try
                {
                    var confirmed = await registry.Ask<OAuthProvidersConfirmed>(new ConfirmOAuthProviders(providers.Select(p => p.Provider).ToList()), ConfirmTimeout);
                    errors.AddRange(providers.Where(p => confirmed.Refused.Contains(p.Provider))
                        .Select(p => new FieldError(p.Field, $"'{p.Provider}' is not a registered OAuth2 provider (or is being removed)")));
                }
                catch (AskTimeoutException)
                {
                    errors.Add(new FieldError(providers[0].Field, "the OAuth2 provider registry did not answer: nothing saved; try again"));
                }
            }
            var own = targets.Count > 0 ? OwnAddresses.Of(Context.System, _env.ConfiguredOwnAddresses) : null;
            foreach (var (field, host) in targets)
                if (OutboundGuard.Refusal(host, await ResolveForSaveAsync(host), own!) is { } why)
                    errors.Add(new FieldError(field, why));
            if (errors.Count > 0)
            {
                sender.Tell(AdminReply.From(new ValidationException(errors)));
                PassivateIfEmpty();
            }
            else Commit(envelope, events, sender);
        });
    }

    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The OAuth2 providers that saved records start naming (a record that already named its provider needs no confirmation).</summary>
    private List<(string Field, string Provider)> ProvidersToConfirm(IReadOnlyList<IAccountEvent> events)
    {
        var prefix = events.Count > 1 ? (Func<string, string>)(name => $"{name}: ") : _ => "";
        return events.Select(e => e switch
            {
                RpopRecordSaved { Record.OAuth: { } o } s when !Named(_state.Rpop.TryGetValue(s.Record.Name, out var r) ? r.OAuth : null, o.Provider) =>
                    ((string Field, string Provider)?)(prefix(s.Record.Name) + "OAuthProvider", o.Provider),
                RimapRecordSaved { Record.OAuth: { } o } s when !Named(_state.Rimap.TryGetValue(s.Record.Name, out var r) ? r.OAuth : null, o.Provider) =>
                    (prefix(s.Record.Name) + "OAuthProvider", o.Provider),
                _ => null,
            })
            .OfType<(string, string)>().ToList();

        static bool Named(OAuthSignIn? before, string provider) => before is not null && OAuthProviderRegistry.NameComparer.Equals(before.Provider, provider);
    }

    /// <summary>The hosts of account users' records that these events save, when the module does not allow private targets.</summary>
    private List<(string Field, string Host)> UnsafeTargetsToCheck(IReadOnlyList<IAccountEvent> events)
    {
        if ((_env.Settings.Current ?? ModuleSettings.Default).AllowUserPrivateTargets) return [];
        var prefix = events.Count > 1 ? (Func<string, string>)(name => $"{name}: ") : _ => "";
        return events.Select(e => e switch
            {
                RpopRecordSaved { Record.ByAccountUser: true } s => ((string Field, string Host)?)(prefix(s.Record.Name) + "at Host", s.Record.Host.Host),
                RimapRecordSaved { Record.ByAccountUser: true } s => (prefix(s.Record.Name) + "at Host", s.Record.Host.Host),
                _ => null,
            })
            .OfType<(string, string)>().ToList();
    }

    /// <summary>A literal address, or what the name resolves to within a few seconds; nothing when it does not resolve (the poll will tell).</summary>
    private static async Task<IPAddress[]> ResolveForSaveAsync(string host)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { return await Dns.GetHostAddressesAsync(host, timeout.Token); }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException) { return []; }
    }

    private void Commit(AccountEnvelope envelope, IReadOnlyList<IAccountEvent> events, IActorRef sender)
    {
        var applied = 0;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            MaybeSnapshot(() => AccountSnapshot.From(_state));
            if (++applied < events.Count) return;
            SyncPollers(spreadFirstPolls: envelope.Command is ReplaceRpopRecords { SpreadFirstPolls: true });
            // An RIMAP Try Now is persisted first (extOrder), so it survives a restart, then served.
            if (envelope.Command is PollRecord p) PollNow(_rimapPollers![p.Name], p, sender);
            else ReplyWhenScheduled(sender, AdminReply.Success(new Done(string.Join("; ", events.Select(Describe)))));
            PassivateIfEmpty();
        });
    }

    /// <summary>Key rotation: re-seal, then snapshot at once so the events holding old ciphertexts are deleted behind it.</summary>
    private void Reseal()
    {
        var sender = Sender;
        IReadOnlyList<IAccountEvent> events;
        try { events = _state.ResealPasswords(_sealer); }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            sender.Tell(new PasswordsResealed(_state.Address, 0, ex.Message));
            return;
        }
        if (events.Count == 0)
        {
            sender.Tell(new PasswordsResealed(_state.Address, 0));
            PassivateIfEmpty();
            return;
        }
        var applied = 0;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (++applied < events.Count) return;
            SnapshotNow(AccountSnapshot.From(_state));
            SyncPollers();
            sender.Tell(new PasswordsResealed(_state.Address, events.Count));
        });
    }

    /// <summary>Started (or found running) by its wake schedule: each poller learns when the schedule expected it.</summary>
    private void Woken(WakeAccount w)
    {
        var now = DateTimeOffset.UtcNow;
        var pollers = (_rpopPollers?.Values ?? Enumerable.Empty<IActorRef>()).Concat(_rimapPollers?.Values ?? Enumerable.Empty<IActorRef>());
        foreach (var poller in pollers)
            if (w.Records.FirstOrDefault(r => r.Record == poller.Path.Name) is { Due: { } due } && due > now)
                poller.Tell(new PollDueAt(due));
    }

    /// <summary>The wake schedules' region; null where none runs (an entity started on its own, in tests).</summary>
    private IActorRef? Schedules() =>
        ActorRegistry.For(Context.System).TryGet<WakeScheduleRegion>(out var schedules) ? schedules : null;

    /// <summary>
    /// Replies once the account's wake schedule lists it (persisted), so a saved record is polled after a restart
    /// even when the node stopped right after the reply; an account without records is taken out of the schedule.
    /// </summary>
    private void ReplyWhenScheduled(IActorRef sender, AdminReply reply)
    {
        var schedules = Schedules();
        var address = _state.Address;
        var shard = AccountShards.Of(address);
        if (schedules is null) sender.Tell(reply);
        else if (!_state.HasRecords)
        {
            schedules.Tell(new UnscheduleAccount(shard, address));
            sender.Tell(reply);
        }
        else
            schedules.Ask<AccountScheduleConfirmed>(new ScheduleAccount(shard, address), ScheduleTimeout).PipeTo(sender,
                success: _ => reply,
                failure: ex => AdminReply.Failure($"the records are saved, but the wake schedule of shard {shard} did not confirm the " +
                    $"account ({ex.Message}): it is polled while it runs, and its next poll lists it again"));
    }

    private static readonly TimeSpan ScheduleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A followed poll's progress, from the record's poller (a query: nothing is persisted).</summary>
    private void ProgressOf(GetPollProgress g)
    {
        var pollers = g.Kind == RecordKind.Rpop ? _rpopPollers : _rimapPollers;
        if (pollers is not null && pollers.TryGetValue(g.Name, out var poller)) poller.Forward(g);
        else
        {
            Sender.Tell(AdminReply.From(new ValidationException("Name", $"there is no {(g.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{g.Name}'")));
            PassivateIfEmpty();
        }
    }

    private static void PollNow(IActorRef poller, PollRecord p, IActorRef sender)
    {
        // Followed with a ticket: answered now, and the caller asks for the progress (no reply outlives a ClusterClient tunnel).
        var replyAtEnd = p.Wait && p.Ticket is null;
        poller.Tell(new PollNow(replyAtEnd ? sender : null, p.Ticket));
        if (!replyAtEnd) sender.Tell(AdminReply.Success(new Done($"poll of {(p.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{p.Name}' ordered")));
    }

    private void PassivateIfEmpty()
    {
        if (!_state.HasRecords) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private static string Describe(IAccountEvent e) => e switch
    {
        RpopRecordSaved s => $"RPOP record '{s.Record.Name}' saved",
        RimapRecordSaved s => $"RIMAP record '{s.Record.Name}' saved",
        RecordRemoved r => $"{(r.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{r.Name}' removed",
        RimapOrderPlaced o => $"poll of RIMAP record '{o.Name}' ordered",
        OAuthGrantStored g => $"{(g.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{g.Name}' connected through {g.SignIn.Provider}" +
            (g.SignIn.ConnectedAs is { } who ? $" as {who}" : ""),
        AccountSettingsChanged s => $"CanModifyRPOP = {(s.Settings.CanModifyRpop ? "yes" : "no")}",
        LedgerChanged l => $"{l.Change.Delivered.Count} UID{(l.Change.Delivered.Count == 1 ? "" : "s")} recorded as retrieved for RPOP record '{l.Name}'",
        _ => e.GetType().Name,
    };
}
