using Akka.Actor;
using Akka.DistributedData;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Polling;

namespace RemotePoll.Cluster.Replication;

/// <summary>
/// One per node (<c>/user/replicas</c>): keeps this node's caches of the module settings, the directory and the failed
/// hosts current from
/// its replicator's subscription, so pollers and the admin API read them locally and nothing asks a singleton. It also
/// confirms to a singleton that a version has reached this node's caches (<see cref="ConfirmReplica"/>).
/// </summary>
public sealed class ReplicaCaches : ReceiveActor, IWithTimers
{
    public const string Name = "replicas";

    /// <summary>How long an unanswered confirmation waits here; the singleton's own bound is shorter.</summary>
    private static readonly TimeSpan WaitingFor = TimeSpan.FromSeconds(30);

    private readonly ModuleSettingsCache _settings;
    private readonly DirectoryCache _directory;
    private readonly FailedHostsCache _hosts;
    private readonly IActorRef _replicator;
    private readonly Dictionary<string, long> _versions = [];
    private readonly List<Waiting> _waiting = [];

    public ReplicaCaches(ModuleSettingsCache settings, DirectoryCache directory, FailedHostsCache hosts)
    {
        _settings = settings;
        _directory = directory;
        _hosts = hosts;
        _replicator = DistributedData.Get(Context.System).Replicator;
        Receive<Changed>(c => Apply(c.Data));
        Receive<GetSuccess>(g => Apply(g.Data));
        Receive<NotFound>(_ => { });
        Receive<GetFailure>(_ => { });
        Receive<ConfirmReplica>(Confirm);
        Receive<Waiting>(w => _waiting.Remove(w));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ModuleSettingsCache settings, DirectoryCache directory, FailedHostsCache hosts) =>
        Akka.Actor.Props.Create(() => new ReplicaCaches(settings, directory, hosts));

    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(ReplicaKeys.Settings, Self));
        _replicator.Tell(Dsl.Subscribe(ReplicaKeys.Directory, Self));
        _replicator.Tell(Dsl.Subscribe(ReplicaKeys.Hosts, Self));
    }

    private void Apply(object data)
    {
        switch (data)
        {
            case LWWRegister<ReplicatedSettings> { Value: { } s }:
                _settings.Update(s.Settings);
                Seen(ReplicaKeys.Settings.Id, s.Version);
                break;
            case LWWRegister<ReplicatedDirectory> { Value: { } d }:
                _directory.Update(d.ToDirectory());
                Seen(ReplicaKeys.Directory.Id, d.Version);
                break;
            case LWWRegister<ReplicatedHosts> { Value: { } h }:
                _hosts.Update(h.ToFailedHosts());
                Seen(ReplicaKeys.Hosts.Id, h.Version);
                break;
        }
    }

    private void Seen(string key, long version)
    {
        _versions[key] = Math.Max(version, _versions.GetValueOrDefault(key, -1));
        foreach (var w in _waiting.Where(w => Holds(w.Ask)).ToList())
        {
            w.Asker.Tell(new ReplicaConfirmed(w.Ask.Key, w.Ask.Version));
            _waiting.Remove(w);
        }
    }

    private bool Holds(ConfirmReplica ask) => _versions.TryGetValue(ask.Key, out var v) && v >= ask.Version;

    private void Confirm(ConfirmReplica ask)
    {
        if (Holds(ask)) { Sender.Tell(new ReplicaConfirmed(ask.Key, ask.Version)); return; }
        var waiting = new Waiting(Sender, ask);
        _waiting.Add(waiting);
        Timers.StartSingleTimer(waiting, waiting, WaitingFor);
        // The subscription notifies at an interval; the local replica may already hold the version.
        if (ask.Key == ReplicaKeys.Settings.Id) _replicator.Tell(Dsl.Get(ReplicaKeys.Settings, ReadLocal.Instance));
        else if (ask.Key == ReplicaKeys.Directory.Id) _replicator.Tell(Dsl.Get(ReplicaKeys.Directory, ReadLocal.Instance));
        else if (ask.Key == ReplicaKeys.Hosts.Id) _replicator.Tell(Dsl.Get(ReplicaKeys.Hosts, ReadLocal.Instance));
    }

    private sealed record Waiting(IActorRef Asker, ConfirmReplica Ask);
}
