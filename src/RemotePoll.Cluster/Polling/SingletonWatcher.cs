using Akka.Actor;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Keeps a node-local copy of a singleton's state fresh by asking it every <see cref="Interval"/>, so a change reaches
/// every node within seconds, also while the singleton moves. Used only for the OAuth2 providers now; the module
/// settings and the directory are replicated to every node on change (Replication).
/// </summary>
public sealed class SingletonWatcher : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public SingletonWatcher(IActorRef singleton, object query, Action<object> onAnswer)
    {
        Receive<Refresh>(_ => singleton.Tell(query));
        ReceiveAny(onAnswer);
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.Zero, Interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef singleton, object query, Action<object> onAnswer) =>
        Akka.Actor.Props.Create(() => new SingletonWatcher(singleton, query, onAnswer));

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }
}
