using Akka.Actor;
using Akka.Event;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Governor;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Governor;

/// <summary>
/// The module's Processes setting for the whole cluster: a singleton that leases permits, one per remote session,
/// never more than Processes at once, first come first served. Leases lapse unless renewed, so a dead node's
/// sessions free their permits; a governor that has just started (first start or hand-over) grants nothing for
/// <see cref="RecoveringFor"/> while live holders renew, so the cap holds across the move. Processes = 0 grants nothing.
/// The same actor, as a second singleton with its own pool, caps held push connections by push-connections (issue 20),
/// so push never takes a permit that polling needs (<see cref="PushProps"/>). That pool also takes permits back: when
/// push-connections is lowered below the connections held, the newest holders are told to end theirs
/// (<see cref="RevokePermit"/>) until the pool fits again; a poll's permit is never taken back.
/// </summary>
public sealed class ConnectionGovernor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a new governor waits before granting: three renewals, so a live holder is counted again unless it
    /// missed three in a row. (It waited a whole lease time before, which made every poll due in the first ten
    /// seconds after a restart late by up to ten seconds.)
    /// </summary>
    public static readonly TimeSpan RecoveringFor = 3 * RenewEvery;

    /// <summary>A waiting poller asks again this often, in case the governor moved to another node.</summary>
    public static readonly TimeSpan AskAgainEvery = TimeSpan.FromSeconds(3);

    private readonly ModuleSettingsCache _settings;
    private readonly Func<ModuleSettings, int> _capacity;
    private readonly Action<PermitPool?> _report;
    private readonly string _what;
    private readonly Dictionary<string, IActorRef> _replyTo = [];
    private readonly bool _revokeExcess;
    /// <summary>Who renews each lease (known from its first renewal), and in which order the leases were granted (or
    /// first renewed, after a hand-over): the newest are taken back first.</summary>
    private readonly Dictionary<string, IActorRef> _holders = [];
    private readonly Dictionary<string, long> _grantOrder = [];
    private readonly HashSet<string> _revoked = [];
    private long _grants;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PermitPool _pool;

    public ConnectionGovernor(ModuleSettingsCache settings) : this(settings, s => s.Processes, PollMetrics.Permits, "permits", revokeExcess: false)
    {
    }

    /// <summary>A governor of another pool: its capacity from the settings, its pool reported to <paramref name="report"/> (metrics);
    /// with <paramref name="revokeExcess"/>, permits above a lowered capacity are taken back.</summary>
    public ConnectionGovernor(ModuleSettingsCache settings, Func<ModuleSettings, int> capacity, Action<PermitPool?> report, string what, bool revokeExcess)
    {
        _settings = settings;
        _capacity = capacity;
        _report = report;
        _what = what;
        _revokeExcess = revokeExcess;
        _pool = PermitPool.Create(Capacity, DateTimeOffset.UtcNow + RecoveringFor);
        Receive<RequestPermit>(r =>
        {
            _replyTo[r.Id] = Sender;
            Grant(_pool.Request(r.Id, DateTimeOffset.UtcNow, LeaseTime));
        });
        Receive<RenewPermit>(r =>
        {
            _pool = _pool.Renew(r.Id, DateTimeOffset.UtcNow, LeaseTime);
            if (!Sender.IsNobody()) _holders[r.Id] = Sender;
            _grantOrder.TryAdd(r.Id, ++_grants);
        });
        Receive<ReleasePermit>(r =>
        {
            _replyTo.Remove(r.Id);
            Grant(_pool.Release(r.Id, DateTimeOffset.UtcNow, LeaseTime));
        });
        Receive<Tick>(_ =>
        {
            Grant(_pool.Tick(Capacity, DateTimeOffset.UtcNow, LeaseTime));
            ForgetEnded();
            RevokeExcess();
        });
        Receive<GetPermitUse>(_ => Sender.Tell(new PermitUse(_pool.InUse, _pool.Capacity, _pool.Waiting.Count)));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromMilliseconds(500));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Processes (or push-connections) as this node last saw it; unknown settings grant nothing.</summary>
    private int Capacity => _settings.Current is { } s ? _capacity(s) : 0;

    public static Props Props(ModuleSettingsCache settings) => Akka.Actor.Props.Create(() => new ConnectionGovernor(settings));

    /// <summary>The push pool: held IDLE connections, never more than push-connections cluster-wide (0: no push).</summary>
    public static Props PushProps(ModuleSettingsCache settings) =>
        Akka.Actor.Props.Create(() => new ConnectionGovernor(settings, s => s.PushConnections, PollMetrics.PushPermits, "push connections", true));

    protected override void PostStop() => _report(null);

    private void Grant((PermitPool Pool, IReadOnlyList<string> Granted) step)
    {
        _pool = step.Pool;
        _report(_pool);
        foreach (var id in step.Granted)
        {
            _grantOrder[id] = ++_grants;
            if (_replyTo.Remove(id, out var to)) to.Tell(new PermitGranted(id));
        }
        if (step.Granted.Count > 0) _log.Debug("RPOLL {0} in use {1}/{2}, waiting {3}", _what, _pool.InUse, _pool.Capacity, _pool.Waiting.Count);
    }

    /// <summary>Drops what is known of leases that ended (released or lapsed).</summary>
    private void ForgetEnded()
    {
        foreach (var id in _grantOrder.Keys.Where(id => !_pool.Leases.ContainsKey(id)).ToList())
        {
            _grantOrder.Remove(id);
            _holders.Remove(id);
            _revoked.Remove(id);
        }
    }

    /// <summary>
    /// More permits held than the capacity (lowered): the newest holders known are told to end theirs, and told again each
    /// tick until they release. Not while the settings are unknown here (capacity 0 would take every permit back) nor
    /// while the pool recovers after a hand-over (holders not counted again yet).
    /// </summary>
    private void RevokeExcess()
    {
        var excess = _pool.InUse - _pool.Capacity;
        if (!_revokeExcess || _settings.Current is null || DateTimeOffset.UtcNow < _pool.RecoveringUntil || excess <= 0)
        {
            _revoked.Clear();
            return;
        }
        var more = excess - _revoked.Count;
        if (more > 0)
        {
            var newest = _holders.Keys.Where(id => !_revoked.Contains(id)).OrderByDescending(id => _grantOrder.GetValueOrDefault(id)).Take(more).ToList();
            _revoked.UnionWith(newest);
            if (newest.Count > 0)
                _log.Info("RPOLL {0} held {1} above the limit {2}: ending {3}", _what, _pool.InUse, _pool.Capacity, newest.Count);
        }
        foreach (var id in _revoked) _holders[id].Tell(new RevokePermit(id));
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
