using Akka.Actor;
using Akka.Cluster.Sharding;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Admin;

/// <summary>pbm's cluster palette: show, leave, down, and the sharding region statistics.</summary>
internal static class ClusterAdmin
{
    public static ClusterView Show(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var members = state.Members
            .Select(m => new ClusterMemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r).ToList(),
                !state.Unreachable.Contains(m)))
            .OrderBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }

    public static AdminReply Leave(ActorSystem system, string address)
    {
        if (Resolve(system, address) is not { } a) return UnknownMember(address);
        Akka.Cluster.Cluster.Get(system).Leave(a);
        return AdminReply.Success(new Done($"{a} is leaving the cluster"));
    }

    public static AdminReply Down(ActorSystem system, string address)
    {
        if (Resolve(system, address) is not { } a) return UnknownMember(address);
        Akka.Cluster.Cluster.Get(system).Down(a);
        return AdminReply.Success(new Done($"{a} was marked down"));
    }

    public static async Task<AdminReply> RegionStats(IActorRef region, TimeSpan timeout)
    {
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + TimeSpan.FromSeconds(1));
        var rows = stats.Regions
            .SelectMany(r => r.Value.Stats.Select(s => new RegionStatsRow(r.Key.ToString(), s.Key, s.Value)))
            .OrderBy(r => r.Node, StringComparer.Ordinal).ThenBy(r => r.Shard, StringComparer.Ordinal)
            .ToList();
        return AdminReply.Success(new RegionStatsView(rows));
    }

    /// <summary>Accepts a full address (akka.tcp://remotepoll@host:port) or just host:port of a member.</summary>
    private static Address? Resolve(ActorSystem system, string text)
    {
        var members = Akka.Cluster.Cluster.Get(system).State.Members;
        return members.Select(m => m.Address).FirstOrDefault(a =>
            a.ToString() == text || $"{a.Host}:{a.Port}" == text);
    }

    private static AdminReply UnknownMember(string address) =>
        AdminReply.Failure($"address: '{address}' is not a member of the cluster (see 'cluster show')");
}
