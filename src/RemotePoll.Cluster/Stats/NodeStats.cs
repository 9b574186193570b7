using System.Diagnostics;
using Akka.Actor;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Stats;

/// <summary><c>rpoll node stats</c>: this node's poller statistics and its memory, as one view.</summary>
internal static class NodeStats
{
    public static NodeStatsView Of(ActorSystem system, PollStats stats, int pushLimit = 0)
    {
        using var self = Process.GetCurrentProcess();
        return new NodeStatsView(Akka.Cluster.Cluster.Get(system).SelfAddress.ToString(), stats.Pollers, stats.PollsStarted,
            LatencyHistogram.BoundsMs, stats.TimerLateness.Snapshot(), stats.StartLateness.Snapshot(),
            self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), stats.ScheduledAccounts,
            stats.PushHeld, pushLimit);
    }
}
