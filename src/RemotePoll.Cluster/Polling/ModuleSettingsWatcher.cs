using Akka.Actor;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Keeps this node's <see cref="ModuleSettingsCache"/> fresh by asking the module-settings singleton every
/// <see cref="Interval"/>, so a <c>module set</c> reaches every node within seconds, also while the singleton moves.
/// </summary>
public sealed class ModuleSettingsWatcher : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public ModuleSettingsWatcher(IActorRef singleton, ModuleSettingsCache cache)
    {
        Receive<Refresh>(_ => singleton.Tell(new ModuleShow()));
        Receive<AdminReply>(r => { if (r.Result is ModuleSettingsView v) cache.Update(v.Settings); });
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.Zero, Interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }
}
