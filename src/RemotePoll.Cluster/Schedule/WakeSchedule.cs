using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Stats;
using RemotePoll.Core.Polling;

namespace RemotePoll.Cluster.Schedule;

/// <summary>
/// The wake schedule of one account shard (<see cref="WakeTable"/>), itself a remembered sharded entity: a node
/// that starts recovers a hundred schedules, not every account. Each schedule starts an account through the account
/// region shortly before its first due poll, so an account recovers when it
/// has work, and the accounts of a node that died are started again on the nodes that took their shards. The wake
/// (<see cref="WakeAccount"/>) carries the due times the schedule knows, which the account keeps to.
/// <para>Listing and unlisting an account, and a due time that moves earlier, are events; the due times that move
/// later after every poll are kept by a snapshot every <see cref="SnapshotInterval"/> and at hand-over.</para>
/// </summary>
public sealed class WakeSchedule : SnapshottingActor, IWithTimers
{
    public const string PersistenceIdPrefix = "wake-schedule-";
    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(30);

    private readonly WakeTable _table = new();
    private readonly PollStats _stats;
    private readonly TimeProvider _clock;
    private IActorRef? _accounts;
    private DateTimeOffset? _armedFor;
    private ITimer? _wakeTimer;
    private int _wakeGeneration;
    private WakeScheduleSnapshot? _saving;
    private bool _stopping;
    private int _counted;

    /// <param name="clock">The time the due times are read against and the wake timer runs on (tests: virtual time).</param>
    public WakeSchedule(string shard, PollStats stats, TimeProvider clock)
    {
        _stats = stats;
        _clock = clock;
        PersistenceId = PersistenceIdPrefix + shard;
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string shard, PollStats stats, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create<WakeSchedule>(shard, stats, clock ?? TimeProvider.System);

    protected override bool ReceiveRecover(object message)
    {
        var now = _clock.GetUtcNow();
        switch (message)
        {
            case SnapshotOffer { Snapshot: WakeScheduleSnapshot s }:
                _table.Restore(s.Accounts, now);
                return true;
            case AccountScheduled e:
                _table.Add(e.Account, now);
                return true;
            case AccountUnscheduled e:
                _table.Remove(e.Account);
                return true;
            case WakeBroughtForward e:
                _table.Replay(e.Account, e.Record, e.Due, now);
                return true;
            case RecoveryCompleted:
                Timers.StartPeriodicTimer("snapshot", SnapshotTick.Instance, SnapshotInterval);
                Count();
                Arm();
                return true;
            default:
                return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case WakeReport r:
                Report(r);
                break;
            case ScheduleAccount s:
                Schedule(s.Account, Sender);
                break;
            case UnscheduleAccount u:
                if (_table.Contains(u.Account))
                    Persist(new AccountUnscheduled(u.Account), e => { _table.Remove(e.Account); Count(); Arm(); });
                break;
            case ListScheduledAccounts l:
                Sender.Tell(new ScheduledAccounts(l.Shard, [.. _table.Accounts]));
                break;
            case WakeTick t:
                if (t.Generation != _wakeGeneration) break; // a timer replaced after it had fired
                _armedFor = null;
                Wake();
                break;
            case SnapshotTick:
                if (_table.Dirty && _saving is null) Save();
                break;
            case StopWakeSchedule:
                _stopping = true;
                if (_table.Dirty && _saving is null) Save();
                else if (_saving is null) Context.Stop(Self);
                break;
            default:
                return false;
        }
        return true;
    }

    protected override void SnapshotSaved(SnapshotMetadata metadata)
    {
        if (_saving is { } saved) _table.Kept(saved.Accounts);
        _saving = null;
        if (_stopping) Context.Stop(Self);
    }

    protected override void SnapshotFailed()
    {
        _saving = null;
        if (_stopping) Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _wakeTimer?.Dispose();
        _stats.AccountsScheduled(-_counted);
        _counted = 0;
        base.PostStop();
    }

    private void Save()
    {
        _saving = new WakeScheduleSnapshot(_table.Export());
        SnapshotNow(_saving);
    }

    private void Schedule(string account, IActorRef replyTo)
    {
        if (_table.Contains(account))
        {
            replyTo.Tell(new AccountScheduleConfirmed(account));
            return;
        }
        List(account, () => replyTo.Tell(new AccountScheduleConfirmed(account)));
    }

    /// <summary>Persists the account's listing, applies it, then runs <paramref name="then"/>.</summary>
    private void List(string account, Action then) =>
        Persist(new AccountScheduled(account), e =>
        {
            _table.Add(e.Account, _clock.GetUtcNow());
            Count();
            Arm();
            then();
        });

    private void Report(WakeReport r)
    {
        if (!_table.Contains(r.Account))
        {
            if (r.Removed) return;
            // Listed by its first report: an account whose listing was lost is listed again by its pollers.
            List(r.Account, () => Report(r));
            return;
        }
        if (_table.Report(r.Account, r.Record, r.Due, r.Removed, _clock.GetUtcNow()))
            Persist(new WakeBroughtForward(r.Account, r.Record, r.Due), e => _table.Keep(e.Account, e.Record, e.Due));
        Arm();
    }

    /// <summary>
    /// Starts the accounts that are due. Not while the node stops: the account shards are being handed off, a wake
    /// would wait in the region until its shutdown timed out, and the accounts are woken where the schedule next runs.
    /// </summary>
    private void Wake()
    {
        _accounts ??= ActorRegistry.For(Context.System).Get<AccountRegion>();
        var due = _table.TakeDue(_clock.GetUtcNow());
        if (CoordinatedShutdown.Get(Context.System).ShutdownReason is null)
            foreach (var woken in due)
                _accounts.Tell(new WakeAccount(woken.Account, woken.Records));
        Arm();
    }

    /// <summary>
    /// One timer, for the earliest pending wake, on the schedule's clock. A replaced timer's tick may already be in the
    /// mailbox: each tick carries its timer's generation and only the current one wakes.
    /// </summary>
    private void Arm()
    {
        if (_table.NextWake is not { } next) return;
        if (_armedFor is { } armed && armed <= next) return;
        _armedFor = next;
        var delay = next - _clock.GetUtcNow();
        _wakeTimer?.Dispose();
        var tick = new WakeTick(++_wakeGeneration);
        var self = Self;
        _wakeTimer = _clock.CreateTimer(_ => self.Tell(tick), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void Count()
    {
        _stats.AccountsScheduled(_table.Count - _counted);
        _counted = _table.Count;
    }

    private sealed record WakeTick(int Generation);

    private sealed class SnapshotTick
    {
        public static readonly SnapshotTick Instance = new();
    }
}
