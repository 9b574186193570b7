using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace RemotePoll.Cluster.Replication;

/// <summary>
/// How a singleton replicates its data: it writes the register to every node (WriteAll; when a node does not answer
/// in time, gossip still brings it the value later) and then asks every member's <see cref="ReplicaCaches"/> to confirm
/// the version, so an admin command answers only once every node reads the change, or names the nodes that did not.
/// </summary>
public static class ReplicaPublisher
{
    /// <summary>How long the write to every replica may take.</summary>
    public static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(2);

    /// <summary>How long the nodes' confirmations may take after the write; the admin command never waits longer.</summary>
    public static readonly TimeSpan ConfirmBound = TimeSpan.FromSeconds(3);

    /// <summary>Writes <paramref name="value"/>, without waiting for confirmations (a singleton that just recovered).</summary>
    public static Task WriteAsync<T>(ActorSystem system, LWWRegisterKey<T> key, T value) where T : IReplicatedValue
    {
        var data = DistributedData.Get(system);
        var node = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        var update = Dsl.Update(key, new LWWRegister<T>(node, value, value.Version), new WriteAll(WriteBound),
            register => register.WithValue(node, value, ReplicaKeys.ByVersion));
        return data.Replicator.Ask<IUpdateResponse>(update, WriteBound + TimeSpan.FromSeconds(1))
            .ContinueWith(_ => { }, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>Writes <paramref name="value"/> and waits for every member to confirm it; the members that did not, by address.</summary>
    public static async Task<IReadOnlyList<string>> PublishAsync<T>(ActorSystem system, LWWRegisterKey<T> key, T value) where T : IReplicatedValue
    {
        await WriteAsync(system, key, value);
        var members = Akka.Cluster.Cluster.Get(system).State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp).Select(m => m.Address).ToList();
        var answers = await Task.WhenAll(members.Select(a => ConfirmAsync(system, a, new ConfirmReplica(key.Id, value.Version))));
        return answers.OfType<string>().ToList();
    }

    /// <summary>The reply's warning when some nodes did not confirm, or null.</summary>
    public static string? Warning(IReadOnlyList<string> unconfirmed) => unconfirmed.Count == 0 ? null
        : $"not yet confirmed by {string.Join(", ", unconfirmed)} within {(WriteBound + ConfirmBound).TotalSeconds:0} s: " +
          "the change is saved and reaches them when they answer again";

    private static async Task<string?> ConfirmAsync(ActorSystem system, Address node, ConfirmReplica ask)
    {
        try
        {
            await system.ActorSelection(new RootActorPath(node) / "user" / ReplicaCaches.Name).Ask<ReplicaConfirmed>(ask, ConfirmBound);
            return null;
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            return node.ToString();
        }
    }
}
