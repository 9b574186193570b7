using System.Net;
using Akka.Actor;
using Akka.Event;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Rpop;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Polls one RPOP record: owns its schedule (Poll Every; Disabled keeps no timer), runs one session at a time and
/// reports each outcome to its account entity, which persists it. Record changes arrive as
/// <see cref="RpopRecordUpdated"/> and apply from the next poll on. Protocol work is in RemotePoll.Mail.
/// </summary>
public sealed class RpopPoller : ReceiveActor, IWithTimers
{
    private const string TimerKey = "poll";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private readonly string _account;
    private readonly PollEnvironment _env;
    private readonly IActorRef _entity;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiters = [];
    private RpopRecord _record;
    private DateTimeOffset? _lastAttempt;
    private bool _running;
    private bool _pollAgain;
    private CancellationTokenSource? _cancel;

    public RpopPoller(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env)
    {
        _account = account;
        _record = record;
        _lastAttempt = lastAttempt;
        _env = env;
        _entity = Context.Parent;

        Receive<RpopRecordUpdated>(u =>
        {
            var periodChanged = u.Record.Period != _record.Period;
            _record = u.Record;
            if (periodChanged && !_running) Schedule();
        });
        Receive<Tick>(_ => Start());
        Receive<PollNow>(p =>
        {
            if (p.ReplyTo is not null) _waiters.Add(p.ReplyTo);
            if (_running) _pollAgain = p.ReplyTo is null || _pollAgain; else Start();
        });
        Receive<PollReport>(Finished);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string account, RpopRecord record, DateTimeOffset? lastAttempt, PollEnvironment env) =>
        Akka.Actor.Props.Create(() => new RpopPoller(account, record, lastAttempt, env));

    protected override void PreStart() => Schedule();

    protected override void PostStop() => _cancel?.Cancel();

    /// <summary>The next poll is a period after the last attempt; a fresh record starts within a few seconds.</summary>
    private void Schedule()
    {
        Timers.Cancel(TimerKey);
        if (_record.Period.Interval is not { } period) return;
        var now = DateTimeOffset.UtcNow;
        var due = _lastAttempt is { } last ? last + period : now;
        // Spread the first polls after a start so that thousands of records do not connect at the same instant.
        var spread = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(period.TotalMilliseconds, 5_000));
        var delay = due > now ? due - now : spread;
        Timers.StartSingleTimer(TimerKey, Tick.Instance, delay);
    }

    private void Start()
    {
        Timers.Cancel(TimerKey);
        _running = true;
        _cancel = new CancellationTokenSource(_env.PollTimeout);
        var started = DateTimeOffset.UtcNow;
        RunAsync(_record, started, _cancel.Token).PipeTo(Self);
    }

    private void Finished(PollReport report)
    {
        _running = false;
        _lastAttempt = report.Ended;
        _entity.Tell(new PollCompleted(RecordKind.Rpop, report));
        foreach (var w in _waiters) w.Tell(AdminReply.Success(report));
        _waiters.Clear();
        if (report.Ok) _log.Info("RPOLL {0}/{1}: {2} messages, {3} bytes from {4}", _account, report.Name, report.Messages, report.Bytes, _record.Host);
        else _log.Warning("RPOLL {0}/{1}: {2}: {3}", _account, report.Name, report.ErrorKind, report.Error);
        if (_pollAgain) { _pollAgain = false; Start(); }
        else Schedule();
    }

    /// <summary>Runs one poll to its end; never throws: every failure becomes a report with a typed error.</summary>
    private async Task<PollReport> RunAsync(RpopRecord record, DateTimeOffset started, CancellationToken ct)
    {
        PollReport Report(bool ok, int messages, long bytes, int left, PollErrorKind? kind, string? error) =>
            new(_account, "RPOP", record.Name, ok, messages, bytes, left, kind?.ToString(), error, started, DateTimeOffset.UtcNow, []);
        try
        {
            var settings = _env.Settings.Current;
            if (settings is null) return Report(false, 0, 0, 0, PollErrorKind.Internal, "the module settings are not known on this node yet");
            if (settings.Processes == 0) return Report(false, 0, 0, 0, PollErrorKind.Refused, "the module does not poll: Processes is 0");
            var ledger = await _entity.Ask<UidLedger>(new GetLedger(record.Name), AskTimeout, ct).ConfigureAwait(false);
            var request = new RpopPollRequest
            {
                Account = _account,
                Record = record,
                Password = _env.Sealer.Unseal(record.Password),
                Ledger = ledger,
                UseApop = settings.UseApop,
                SourceAddress = settings.SourceIp is { } ip ? IPAddress.Parse(ip) : null,
                CaFile = _env.CaFile,
                ConnectTimeout = _env.ConnectTimeout,
                CommandTimeout = _env.CommandTimeout,
                MaxMessageSize = _env.MaxMessageSize,
            };
            var result = await RpopPoll.RunAsync(request, _env.Queue, _env.Store,
                (change, t) => _entity.Ask<LedgerCommitted>(new CommitLedger(record.Name, change), AskTimeout, t),
                log: null, ct).ConfigureAwait(false);
            return Report(result.Problem is null, result.Delivered, result.Bytes, result.LeftOnServer, result.ProblemKind, result.Problem);
        }
        catch (Pop3PollException ex)
        {
            return Report(false, 0, 0, 0, ex.Kind, ex.Message);
        }
        catch (DeliveryUnavailableException ex)
        {
            return Report(false, 0, 0, 0, PollErrorKind.LocalDeliveryFailed, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Report(false, 0, 0, 0, PollErrorKind.ConnectionLost, $"the poll was stopped after {_env.PollTimeout}");
        }
        catch (Exception ex)
        {
            return Report(false, 0, 0, 0, PollErrorKind.Internal, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
