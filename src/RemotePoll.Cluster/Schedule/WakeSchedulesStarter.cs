using Akka.Actor;
using Akka.Event;
using RemotePoll.Cluster.Hosting;

namespace RemotePoll.Cluster.Schedule;

/// <summary>
/// Starts every account shard's wake schedule when the node starts, and asks again every few seconds until each
/// has answered. The schedules are remembered, so a cluster that restarts brings them back by itself; this makes sure
/// they also run on a cluster's first start (before any account is set) and that the first record saved does not
/// wait for a shard to be allocated. Stops once all have answered.
/// </summary>
public sealed class WakeSchedulesStarter : UntypedActor, IWithTimers
{
    public static readonly TimeSpan AskAgainEvery = TimeSpan.FromSeconds(5);

    private readonly IActorRef _schedules;
    private readonly HashSet<string> _waiting;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _accounts;

    public WakeSchedulesStarter(IActorRef schedules)
    {
        _schedules = schedules;
        _waiting = [.. AccountShards.All];
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef schedules) => Akka.Actor.Props.Create<WakeSchedulesStarter>(schedules);

    protected override void PreStart()
    {
        Ask();
        Timers.StartPeriodicTimer("again", Again.Instance, AskAgainEvery);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ScheduledAccounts s:
                if (!_waiting.Remove(s.Shard)) return;
                _accounts += s.Accounts.Count;
                if (_waiting.Count > 0) return;
                _log.Info("RPOLL wake schedules of all {0} shards answered ({1} accounts listed)", RemotePollActors.ShardCount, _accounts);
                Context.Stop(Self);
                break;
            case Again:
                Ask();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Ask()
    {
        foreach (var shard in _waiting) _schedules.Tell(new ListScheduledAccounts(shard));
    }

    private sealed class Again
    {
        public static readonly Again Instance = new();
    }
}
