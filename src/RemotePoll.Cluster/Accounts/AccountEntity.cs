using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
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
    private readonly Dictionary<string, IActorRef> _rpopPollers = new(AccountState.NameComparer);
    private readonly Dictionary<string, IActorRef> _rimapPollers = new(AccountState.NameComparer);
    private AccountState _state;

    public AccountEntity(string address, PollEnvironment env)
    {
        _env = env;
        _sealer = env.Sealer;
        _state = AccountState.Empty(address);
        PersistenceId = "account-" + address;

        Recover<SnapshotOffer>(o => { if (o.Snapshot is AccountSnapshot s) _state = s.ToState(); });
        Recover<IAccountEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => SyncPollers(recovered: true));
        Command<AccountEnvelope>(Handle);
        Command<FetchAccountState>(_ => Sender.Tell(AccountSnapshot.From(_state)));
        Command<GetLedger>(g => Sender.Tell(_state.LedgerOf(g.Name)));
        Command<CommitLedger>(c =>
        {
            var sender = Sender;
            Persist(new LedgerChanged(c.Name, c.Change), e =>
            {
                _state = _state.Apply(e);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
                sender.Tell(new LedgerCommitted());
            });
        });
        Command<MarkInFlight>(c =>
        {
            var sender = Sender;
            Persist(new DeliveriesStarted(c.Name, c.Deliveries), e =>
            {
                _state = _state.Apply(e);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
                sender.Tell(new LedgerCommitted());
            });
        });
        Command<GetUnifiedLedger>(g => Sender.Tell(_state.UnifiedLedgerOf(g.Name)));
        Command<CommitUnified>(c =>
        {
            var sender = Sender;
            Persist(new UnifiedDeliveriesRecorded(c.Name, c.Change), e =>
            {
                _state = _state.Apply(e);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
                sender.Tell(new LedgerCommitted());
            });
        });
        Command<GetMarks>(g => Sender.Tell(_state.MarksOf(g.Name)));
        Command<CommitMark>(c =>
        {
            var sender = Sender;
            Persist(new RimapFolderMarked(c.Name, c.Folder, c.Mark), e =>
            {
                _state = _state.Apply(e);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
                sender.Tell(new LedgerCommitted());
            });
        });
        Command<PollCompleted>(c =>
        {
            var r = c.Report;
            var events = new List<IAccountEvent>
            {
                r.Ok
                    ? new PollSucceeded(c.Kind, r.Name, r.Ended, r.Messages, r.Bytes)
                    : new PollFailed(c.Kind, r.Name, r.Ended, Enum.TryParse<PollErrorKind>(r.ErrorKind, out var k) ? k : PollErrorKind.Internal, r.Error ?? "failed"),
            };
            // Try Now is served when its poll ends, whatever the outcome (spec, RIMAP Try Now).
            if (c.ServedOrder is { } order) events.Add(new RimapOrderCleared(r.Name, order));
            PersistAll(events, ev =>
            {
                _state = _state.Apply(ev);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
                if (ev is RimapOrderCleared) SyncPollers();
            });
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string address, PollEnvironment env) => Akka.Actor.Props.Create(() => new AccountEntity(address, env));

    /// <summary>One poller per record: started (after a recovery: <paramref name="recovered"/>), told of changes, stopped when the record goes.</summary>
    private void SyncPollers(bool recovered = false)
    {
        Sync(_rpopPollers, _state.Rpop, RecordKind.Rpop,
            (r, last) => RpopPoller.Props(_state.Address, r, last, _env, recovered), (r, last) => new RpopRecordUpdated(r, last));
        Sync(_rimapPollers, _state.Rimap, RecordKind.Rimap,
            (r, last) => RimapPoller.Props(_state.Address, r, last, _env, recovered), (r, _) => new RimapRecordUpdated(r));
    }

    private void Sync<TRecord>(Dictionary<string, IActorRef> pollers, IReadOnlyDictionary<string, TRecord> records, RecordKind kind,
        Func<TRecord, DateTimeOffset?, Props> props, Func<TRecord, DateTimeOffset?, object> updated)
    {
        foreach (var (name, record) in records)
        {
            var status = _state.StatusOf(kind, name);
            var lastAttempt = Max(status.Last, status.ErrorAt);
            if (pollers.TryGetValue(name, out var poller)) poller.Tell(updated(record, lastAttempt));
            else pollers[name] = Context.ActorOf(props(record, lastAttempt), $"{kind.ToString().ToLowerInvariant()}-{Uri.EscapeDataString(name)}");
        }
        foreach (var gone in pollers.Keys.Where(n => !records.ContainsKey(n)).ToList())
        {
            Context.Stop(pollers[gone]);
            pollers.Remove(gone);
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private void Handle(AccountEnvelope envelope)
    {
        IReadOnlyList<IAccountEvent> events;
        try
        {
            events = _state.Process(envelope.Command, new AccountContext(DateTimeOffset.UtcNow, envelope.MainDomain, _sealer));
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
                PollNow(_rpopPollers[p.Name], p, Sender);
                return;
        }

        if (events.Count == 0)
        {
            Sender.Tell(AdminReply.Success(new Done("nothing to change")));
            PassivateIfEmpty();
            return;
        }

        var sender = Sender;
        var applied = 0;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            MaybeSnapshot(() => AccountSnapshot.From(_state));
            if (++applied < events.Count) return;
            SyncPollers();
            // An RIMAP Try Now is persisted first (extOrder), so it survives a restart, then served.
            if (envelope.Command is PollRecord p) PollNow(_rimapPollers[p.Name], p, sender);
            else sender.Tell(AdminReply.Success(new Done(string.Join("; ", events.Select(Describe)))));
            PassivateIfEmpty();
        });
    }

    private static void PollNow(IActorRef poller, PollRecord p, IActorRef sender)
    {
        poller.Tell(new PollNow(p.Wait ? sender : null));
        if (!p.Wait) sender.Tell(AdminReply.Success(new Done($"poll of {(p.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{p.Name}' ordered")));
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
        AccountSettingsChanged s => $"CanModifyRPOP = {(s.Settings.CanModifyRpop ? "yes" : "no")}",
        LedgerChanged l => $"{l.Change.Delivered.Count} UIDs recorded as retrieved for RPOP record '{l.Name}'",
        _ => e.GetType().Name,
    };
}
