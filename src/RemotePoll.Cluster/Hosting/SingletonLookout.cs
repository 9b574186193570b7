using Akka.Actor;
using Akka.Event;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// Warns when a cluster singleton cannot be found, and only then. Akka's ClusterSingletonProxy has such a warning ("failed
/// to find an associated singleton ... after 30 seconds"), but its timer fires first at once, so a healthy node logged it
/// for every singleton in its first second; node.conf turns it off. This actor asks the oldest member for each singleton
/// (Identify) <see cref="After"/> after this node joined the cluster, and again every <see cref="After"/> while one is missing.
/// </summary>
public sealed class SingletonLookout : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan After = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _missing;
    private DateTimeOffset _joined;

    /// <param name="singletons">The singletons' names: each runs at /user/NAME/NAME on the oldest member.</param>
    /// <param name="after">How long after the join to look first, and then between looks; default <see cref="After"/>.</param>
    public SingletonLookout(IEnumerable<string> singletons, TimeSpan? after = null)
    {
        var every = after ?? After;
        _missing = singletons.ToHashSet(StringComparer.Ordinal);
        var self = Self;
        Akka.Cluster.Cluster.Get(Context.System).RegisterOnMemberUp(() => self.Tell(Joined.Instance));
        Receive<Joined>(_ =>
        {
            _joined = DateTimeOffset.UtcNow;
            Timers.StartPeriodicTimer("look", Look.Instance, every, every);
        });
        Receive<Look>(_ => LookForMissing());
        Receive<Found>(f =>
        {
            if (f.Ok) _missing.Remove(f.Name);
            else _log.Warning("the cluster singleton {0} was not found on the oldest member {1}, {2:0} s after this node joined the cluster: " +
                "what it serves waits until it is", f.Name, f.Oldest, (DateTimeOffset.UtcNow - _joined).TotalSeconds);
            if (_missing.Count == 0) Timers.CancelAll();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IEnumerable<string> singletons, TimeSpan? after = null) =>
        Akka.Actor.Props.Create(() => new SingletonLookout(singletons, after));

    private void LookForMissing()
    {
        var oldest = Akka.Cluster.Cluster.Get(Context.System).State.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up).OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault();
        if (oldest is null) return;
        foreach (var name in _missing)
        {
            var at = oldest.Address.ToString();
            Context.ActorSelection(new RootActorPath(oldest.Address) / "user" / name / name)
                .Ask<ActorIdentity>(new Identify(name), AskTimeout)
                .PipeTo(Self, success: id => new Found(name, at, id.Subject is not null), failure: _ => new Found(name, at, false));
        }
    }

    private sealed record Found(string Name, string Oldest, bool Ok);

    private sealed class Joined
    {
        public static readonly Joined Instance = new();
    }

    private sealed class Look
    {
        public static readonly Look Instance = new();
    }
}
