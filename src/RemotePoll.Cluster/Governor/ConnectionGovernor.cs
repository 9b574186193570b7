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
/// so push never takes a permit that polling needs (<see cref="PushProps"/>).
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
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PermitPool _pool;

    public ConnectionGovernor(ModuleSettingsCache settings) : this(settings, s => s.Processes, PollMetrics.Permits, "permits")
    {
    }

    /// <summary>A governor of another pool: its capacity from the settings, its pool reported to <paramref name="report"/> (metrics).</summary>
    public ConnectionGovernor(ModuleSettingsCache settings, Func<ModuleSettings, int> capacity, Action<PermitPool?> report, string what)
    {
        _settings = settings;
        _capacity = capacity;
        _report = report;
        _what = what;
        _pool = PermitPool.Create(Capacity, DateTimeOffset.UtcNow + RecoveringFor);
        Receive<RequestPermit>(r =>
        {
            _replyTo[r.Id] = Sender;
            Grant(_pool.Request(r.Id, DateTimeOffset.UtcNow, LeaseTime));
        });
        Receive<RenewPermit>(r => _pool = _pool.Renew(r.Id, DateTimeOffset.UtcNow, LeaseTime));
        Receive<ReleasePermit>(r =>
        {
            _replyTo.Remove(r.Id);
            Grant(_pool.Release(r.Id, DateTimeOffset.UtcNow, LeaseTime));
        });
        Receive<Tick>(_ => Grant(_pool.Tick(Capacity, DateTimeOffset.UtcNow, LeaseTime)));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromMilliseconds(500));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Processes (or push-connections) as this node last saw it; unknown settings grant nothing.</summary>
    private int Capacity => _settings.Current is { } s ? _capacity(s) : 0;

    public static Props Props(ModuleSettingsCache settings) => Akka.Actor.Props.Create(() => new ConnectionGovernor(settings));

    /// <summary>The push pool: held IDLE connections, never more than push-connections cluster-wide (0: no push).</summary>
    public static Props PushProps(ModuleSettingsCache settings) =>
        Akka.Actor.Props.Create(() => new ConnectionGovernor(settings, s => s.PushConnections, PollMetrics.PushPermits, "push connections"));

    protected override void PostStop() => _report(null);

    private void Grant((PermitPool Pool, IReadOnlyList<string> Granted) step)
    {
        _pool = step.Pool;
        _report(_pool);
        foreach (var id in step.Granted)
            if (_replyTo.Remove(id, out var to)) to.Tell(new PermitGranted(id));
        if (step.Granted.Count > 0) _log.Debug("RPOLL {0} in use {1}/{2}, waiting {3}", _what, _pool.InUse, _pool.Capacity, _pool.Waiting.Count);
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
