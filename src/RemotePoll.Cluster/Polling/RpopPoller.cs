using System.Net;
using Akka.Actor;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Polls one RPOP record. Record changes arrive as <see cref="RpopRecordUpdated"/> and apply from the next poll on;
/// the UID ledger is read from and committed through the account entity, batch by batch.
/// </summary>
public sealed class RpopPoller : RecordPoller
{
    private RpopRecord _record;

    public RpopPoller(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env)
        : base(account, lastAttempt, env)
    {
        _record = record;
        Receive<RpopRecordUpdated>(u =>
        {
            var periodChanged = u.Record.Period != _record.Period;
            _record = u.Record;
            if (periodChanged) Schedule();
        });
    }

    public static Props Props(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env) =>
        Akka.Actor.Props.Create(() => new RpopPoller(account, record, lastAttempt, env));

    protected override RecordKind Kind => RecordKind.Rpop;
    protected override string Name => _record.Name;
    protected override PollPeriod Period => _record.Period;
    protected override HostAndPort Host => _record.Host;
    protected override bool ByAccountUser => _record.ByAccountUser;

    protected override async Task<PollReport> RunAsync(PollContext context, DateTimeOffset started, CancellationToken ct)
    {
        var record = _record;
        try
        {
            var ledger = await Entity.Ask<UidLedger>(new GetLedger(record.Name), AskTimeout, ct).ConfigureAwait(false);
            var request = new RpopPollRequest
            {
                Account = Account,
                Record = record,
                Password = Env.Sealer.Unseal(record.Password),
                Ledger = ledger,
                UseApop = context.Settings.UseApop,
                SourceAddress = context.SourceAddress,
                Resolver = context.Resolver,
                CaFile = Env.CaFile,
                ConnectTimeout = Env.ConnectTimeout,
                CommandTimeout = Env.CommandTimeout,
                MaxMessageSize = Env.MaxMessageSize,
            };
            var result = await RpopPoll.RunAsync(request, Env.Queue, Env.Store,
                (change, t) => Entity.Ask<LedgerCommitted>(new CommitLedger(record.Name, change), AskTimeout, t),
                ProtocolTrace.For(context.Settings.Log, Log, Account, record.Name), ct).ConfigureAwait(false);
            return new PollReport(Account, "RPOP", record.Name, result.Problem is null, result.Delivered, result.Bytes, result.LeftOnServer,
                result.ProblemKind?.ToString(), result.Problem, started, DateTimeOffset.UtcNow, []);
        }
        catch (Pop3PollException ex)
        {
            return Failure(started, ex.Kind, ex.Message);
        }
        catch (Exception ex)
        {
            return CommonFailure(ex, started, ct) ?? Failure(started, PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
