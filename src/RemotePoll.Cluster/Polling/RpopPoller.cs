using System.Net;
using Akka.Actor;
using Akka.Event;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Unified;
using RemotePoll.Core.Unified;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Polls one RPOP record. Record changes arrive as <see cref="RpopRecordUpdated"/> and apply from the next poll on (a poll
/// runs on its <see cref="PollPlan"/>); the UID ledger comes with the plan and is committed through the account entity, batch by batch.
/// </summary>
public sealed class RpopPoller : RecordPoller
{
    private RpopRecord _record;

    /// <param name="loginDelay">the server's LOGIN-DELAY as the account's status last recorded it (a floor under Poll Every)</param>
    public RpopPoller(string account, RpopRecord record, RecordLedgers ledgers, DateTimeOffset? lastAttempt, PollEnvironment env,
        bool spreadFirstPoll = false, TimeSpan? loginDelay = null)
        : base(account, lastAttempt, env, spreadFirstPoll, ledgers)
    {
        _record = record;
        LoginDelay = loginDelay;
    }

    protected override bool OnRecordMessage(object message)
    {
        if (message is not RpopRecordUpdated u) return false;
        var periodChanged = u.Record.Period != _record.Period;
        var before = _record.OAuth;
        _record = u.Record;
        if (periodChanged) Schedule();
        SignInChanged(before, _record.OAuth);
        return true;
    }

    public static Props Props(string account, RpopRecord record, RecordLedgers ledgers, DateTimeOffset? lastAttempt, PollEnvironment env,
        bool spreadFirstPoll = false, TimeSpan? loginDelay = null) =>
        Akka.Actor.Props.Create<RpopPoller>(account, record, ledgers, lastAttempt, env, spreadFirstPoll, loginDelay);

    protected override RecordKind Kind => RecordKind.Rpop;
    protected override string Name => _record.Name;
    protected override PollPeriod Period => _record.Period;
    protected override HostAndPort Host => _record.Host;
    protected override int Port => _record.Port;
    protected override bool ByAccountUser => _record.ByAccountUser;
    protected override string? MissingCredential => _record.OAuth is null && _record.Password.IsNone ? RecordDestination.PasswordRequired : null;
    protected override Core.OAuth.OAuthSignIn? SignIn => _record.OAuth;

    protected override PollRun Snapshot()
    {
        var record = _record;
        return (plan, bearer, ct) => RunAsync(plan, record, bearer, ct);
    }

    private async Task<PollOutcome> RunAsync(PollPlan plan, RpopRecord record, Mail.OAuth.OAuth2Bearer? bearer, CancellationToken ct)
    {
        var started = plan.Started;
        try
        {
            var request = new RpopPollRequest(Env.Limits)
            {
                Account = Account,
                Record = record,
                Password = Env.Sealer.Unseal(record.Password),
                Bearer = bearer,
                Ledger = plan.Ledgers.Uids,
                UseApop = plan.Settings.UseApop,
                SourceAddress = plan.SourceAddress,
                Resolver = plan.ResolveAsync,
                MarkInFlight = (started, t) => Entity.Ask<LedgerCommitted>(new MarkInFlight(record.Name, started), AskTimeout, t),
                QueueLookup = Env.QueueLookup,
                Progress = (messages, bytes) => ShowProgress(messages, bytes),
                Unified = record.Special is null ? null : UnifiedOptions(record.Name, plan.Ledgers.Unified),
            };
            var result = await RpopPoll.RunAsync(request, Env.Queue, Env.Store,
                (change, t) => Entity.Ask<LedgerCommitted>(new CommitLedger(record.Name, change), AskTimeout, t),
                ProtocolTrace.For(plan.Settings.Log, Log, Account, record.Name), ct).ConfigureAwait(false);
            LogRecovery(plan.Settings.Log, record.Name, result);
            return new(plan, new PollReport(Account, "RPOP", record.Name, result.Problem is null, result.Delivered, result.Bytes, result.LeftOnServer,
                result.ProblemKind?.ToString(), result.Problem, started, Env.Clock.GetUtcNow(), []) { LoginDelay = result.LoginDelay });
        }
        catch (RemotePollException ex)
        {
            return new(plan, plan.Failure(ex.Kind, ex.Message) with { LoginDelay = ex.LoginDelay });
        }
        catch (Exception ex)
        {
            return new(plan, CommonFailure(ex, plan, ct) ?? plan.Failure(PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <summary>What a poll did with the messages an interrupted poll (a node that died mid-batch) had handed over.</summary>
    private void LogRecovery(PollLogLevel level, string name, RpopDrainResult result)
    {
        if (result.Recovered > 0 && level >= PollLogLevel.Major)
            Log.Info($"RPOLL {Account}/{name}: {CountText.Of(result.Recovered, "message")} of an interrupted poll had arrived; recorded without delivering {(result.Recovered == 1 ? "it" : "them")} again");
        if (result.Unverified > 0 && level >= PollLogLevel.Problems)
            Log.Warning($"RPOLL {Account}/{name}: {CountText.Of(result.Unverified, "message")} of an interrupted poll delivered again: the delivery target cannot be checked, so {(result.Unverified == 1 ? "it" : "they")} may arrive twice");
    }

    /// <summary>A Unified Domain-Wide Account's poll: the local domains, its duplicate ledger, the report relay.</summary>
    private UnifiedOptions UnifiedOptions(string name, UnifiedLedger ledger)
    {
        // Its own domain only (the directory lists no domain aliases): never another tenant's domain.
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Account[(Account.LastIndexOf('@') + 1)..].ToLowerInvariant() };
        return new UnifiedOptions
        {
            LocalDomains = domains,
            Ledger = ledger,
            Commit = (change, t) => Entity.Ask<LedgerCommitted>(new CommitUnified(name, change), AskTimeout, t),
            DuplicateWindow = Env.DuplicateWindow,
            Reports = Env.ReportRelay is null ? null : new FailureReporter(Env.ReportRelay, Env.ReportingMta, Account),
            Log = text => Log.Info("RPOLL {0}/{1}: {2}", Account, name, text),
        };
    }
}
