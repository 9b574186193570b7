using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Polling;

namespace RemotePoll.Cluster.Tests.Admin;

/// <summary>
/// The shard region's job in one process: real account entities, one child per account, found by the same extractor
/// the region uses. Sharding itself is not under test here (the system tests run it); the admin API and entities are.
/// </summary>
internal sealed class AccountRouter : ReceiveActor
{
    public AccountRouter(PollEnvironment env)
    {
        var extractor = new AccountMessageExtractor(10);
        Receive<GetClusterShardingStats>(_ => Sender.Tell(new ClusterShardingStats(ImmutableDictionary<Address, ShardRegionStats>.Empty)));
        Receive<Passivate>(p => Sender.Tell(p.StopMessage));
        ReceiveAny(m =>
        {
            var id = extractor.EntityId(m) ?? throw new InvalidOperationException($"{m.GetType().Name} has no account");
            var child = Context.Child(id);
            if (child.IsNobody()) child = Context.ActorOf(AccountEntity.Props(id, env), id);
            child.Forward(m);
        });
    }
}
