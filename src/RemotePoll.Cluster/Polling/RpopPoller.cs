using System.Net;
using Akka.Actor;
using Akka.Event;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;
using RemotePoll.Mail.Unified;
using RemotePoll.Core.Unified;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Polls one RPOP record. Record changes arrive as <see cref="RpopRecordUpdated"/> and apply from the next poll on;
/// the UID ledger is read from and committed through the account entity, batch by batch.
/// </summary>
public sealed class RpopPoller : RecordPoller
{
    private RpopRecord _record;

    public RpopPoller(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env, bool spreadFirstPoll = false)
        : base(account, lastAttempt, env, spreadFirstPoll)
    {
        _record = record;
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

    public static Props Props(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env, bool spreadFirstPoll = false) =>
        Akka.Actor.Props.Create<RpopPoller>(account, record, lastAttempt, env, spreadFirstPoll);

    protected override RecordKind Kind => RecordKind.Rpop;
    protected override string Name => _record.Name;
    protected override PollPeriod Period => _record.Period;
    protected override HostAndPort Host => _record.Host;
    protected override int Port => _record.Port;
    protected override bool ByAccountUser => _record.ByAccountUser;
    protected override string? MissingCredential => _record.OAuth is null && _record.Password.IsNone ? RecordDestination.PasswordRequired : null;
    protected override Core.OAuth.OAuthSignIn? SignIn => _record.OAuth;

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
                Bearer = context.Bearer,
                Ledger = ledger,
                UseApop = context.Settings.UseApop,
                SourceAddress = context.SourceAddress,
                Resolver = context.Resolver,
                CaFile = Env.CaFile,
                CaFolder = Env.CaFolder,
                ConnectTimeout = Env.ConnectTimeout,
                CommandTimeout = Env.CommandTimeout,
                MaxMessageSize = Env.MaxMessageSize,
                MarkInFlight = (started, t) => Entity.Ask<LedgerCommitted>(new MarkInFlight(record.Name, started), AskTimeout, t),
                QueueLookup = Env.QueueLookup,
                Progress = (messages, bytes) => ShowProgress(messages, bytes),
                Unified = record.Special is null ? null : await UnifiedOptionsAsync(record.Name, ct).ConfigureAwait(false),
            };
            var result = await RpopPoll.RunAsync(request, Env.Queue, Env.Store,
                (change, t) => Entity.Ask<LedgerCommitted>(new CommitLedger(record.Name, change), AskTimeout, t),
                ProtocolTrace.For(context.Settings.Log, Log, Account, record.Name), ct).ConfigureAwait(false);
            LogRecovery(context.Settings.Log, record.Name, result);
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

    /// <summary>What a poll did with the messages an interrupted poll (a node that died mid-batch) had handed over.</summary>
    private void LogRecovery(PollLogLevel level, string name, RpopDrainResult result)
    {
        if (result.Recovered > 0 && level >= PollLogLevel.Major)
            Log.Info($"RPOLL {Account}/{name}: {result.Recovered} messages of an interrupted poll had arrived; recorded without delivering them again");
        if (result.Unverified > 0 && level >= PollLogLevel.Problems)
            Log.Warning($"RPOLL {Account}/{name}: {result.Unverified} messages of an interrupted poll delivered again: the delivery target cannot be checked, so they may arrive twice");
    }

    /// <summary>A Unified Domain-Wide Account's poll: the local domains, its duplicate ledger, the report relay.</summary>
    private async Task<UnifiedOptions> UnifiedOptionsAsync(string name, CancellationToken ct)
    {
        var ledger = await Entity.Ask<UnifiedLedger>(new GetUnifiedLedger(name), AskTimeout, ct).ConfigureAwait(false);
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
