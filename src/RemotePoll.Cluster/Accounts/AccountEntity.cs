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
    private AccountState _state;

    public AccountEntity(string address, PollEnvironment env)
    {
        _env = env;
        _sealer = env.Sealer;
        _state = AccountState.Empty(address);
        PersistenceId = "account-" + address;

        Recover<SnapshotOffer>(o => { if (o.Snapshot is AccountSnapshot s) _state = s.ToState(); });
        Recover<IAccountEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => SyncPollers());
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
        Command<PollCompleted>(c =>
        {
            var r = c.Report;
            IAccountEvent e = r.Ok
                ? new PollSucceeded(c.Kind, r.Name, r.Ended, r.Messages, r.Bytes)
                : new PollFailed(c.Kind, r.Name, r.Ended, Enum.TryParse<PollErrorKind>(r.ErrorKind, out var k) ? k : PollErrorKind.Internal, r.Error ?? "failed");
            Persist(e, ev =>
            {
                _state = _state.Apply(ev);
                MaybeSnapshot(() => AccountSnapshot.From(_state));
            });
        });
    }

    public override string PersistenceId { get; }

    public static Props Props(string address, PollEnvironment env) => Akka.Actor.Props.Create(() => new AccountEntity(address, env));

    /// <summary>One poller per RPOP record: started, told of changes, stopped when the record goes.</summary>
    private void SyncPollers()
    {
        foreach (var (name, record) in _state.Rpop)
        {
            var status = _state.StatusOf(RecordKind.Rpop, name);
            var lastAttempt = Max(status.Last, status.ErrorAt);
            if (_rpopPollers.TryGetValue(name, out var poller)) poller.Tell(new RpopRecordUpdated(record, lastAttempt));
            else _rpopPollers[name] = Context.ActorOf(RpopPoller.Props(_state.Address, record, lastAttempt, _env), "rpop-" + Uri.EscapeDataString(name));
        }
        foreach (var gone in _rpopPollers.Keys.Where(n => !_state.Rpop.ContainsKey(n)).ToList())
        {
            Context.Stop(_rpopPollers[gone]);
            _rpopPollers.Remove(gone);
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
            case PollRecord p:
                PollNow(p);
                PassivateIfEmpty();
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
            sender.Tell(AdminReply.Success(new Done(string.Join("; ", events.Select(Describe)))));
            SyncPollers();
            PassivateIfEmpty();
        });
    }

    private void PollNow(PollRecord p)
    {
        if (!_state.Has(p.Kind, p.Name))
        {
            Sender.Tell(AdminReply.Failure($"Name: there is no {(p.Kind == RecordKind.Rpop ? "RPOP" : "RIMAP")} record '{p.Name}'"));
            return;
        }
        if (p.Kind == RecordKind.Rimap)
        {
            Sender.Tell(AdminReply.Failure("RIMAP polling is not implemented yet"));
            return;
        }
        _rpopPollers[p.Name].Tell(new PollNow(p.Wait ? Sender : null));
        if (!p.Wait) Sender.Tell(AdminReply.Success(new Done($"poll of RPOP record '{p.Name}' ordered")));
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
        AccountSettingsChanged s => $"CanModifyRPOP = {(s.Settings.CanModifyRpop ? "yes" : "no")}",
        LedgerChanged l => $"{l.Change.Delivered.Count} UIDs recorded as retrieved for RPOP record '{l.Name}'",
        _ => e.GetType().Name,
    };
}
