using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;
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
    private readonly ISecretSealer _sealer;
    private AccountState _state;

    public AccountEntity(string address, ISecretSealer sealer)
    {
        _sealer = sealer;
        _state = AccountState.Empty(address);
        PersistenceId = "account-" + address;

        Recover<SnapshotOffer>(o => { if (o.Snapshot is AccountSnapshot s) _state = s.ToState(); });
        Recover<IAccountEvent>(e => _state = _state.Apply(e));
        Command<AccountEnvelope>(Handle);
        Command<FetchAccountState>(_ => Sender.Tell(AccountSnapshot.From(_state)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string address, ISecretSealer sealer) => Akka.Actor.Props.Create(() => new AccountEntity(address, sealer));

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
                Sender.Tell(_state.Has(p.Kind, p.Name)
                    ? AdminReply.Failure("polling is not implemented yet")
                    : AdminReply.Failure($"Name: there is no {p.Kind.ToString().ToUpperInvariant()} record '{p.Name}'"));
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
            PassivateIfEmpty();
        });
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
        _ => e.GetType().Name,
    };
}
