using Akka.Actor;
using Akka.Event;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Governor;

namespace RemotePoll.Cluster.Governor;

/// <summary>
/// The module's Processes setting for the whole cluster: a singleton that leases permits, one per remote session,
/// never more than Processes at once, first come first served. Leases lapse unless renewed, so a dead node's
/// sessions free their permits; a governor that has just started (first start or hand-over) grants nothing for
/// <see cref="RecoveringFor"/> while live holders renew, so the cap holds across the move. Processes = 0 grants nothing.
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
    private readonly Dictionary<string, IActorRef> _replyTo = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PermitPool _pool;

    public ConnectionGovernor(ModuleSettingsCache settings)
    {
        _settings = settings;
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

    /// <summary>Processes as this node last saw it; unknown settings grant nothing.</summary>
    private int Capacity => _settings.Current?.Processes ?? 0;

    public static Props Props(ModuleSettingsCache settings) => Akka.Actor.Props.Create(() => new ConnectionGovernor(settings));

    protected override void PostStop() => PollMetrics.Permits(null);

    private void Grant((PermitPool Pool, IReadOnlyList<string> Granted) step)
    {
        _pool = step.Pool;
        PollMetrics.Permits(_pool);
        foreach (var id in step.Granted)
            if (_replyTo.Remove(id, out var to)) to.Tell(new PermitGranted(id));
        if (step.Granted.Count > 0) _log.Debug("RPOLL permits in use {0}/{1}, waiting {2}", _pool.InUse, _pool.Capacity, _pool.Waiting.Count);
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
