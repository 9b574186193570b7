using Akka.Cluster.Sharding;

namespace RemotePoll.Cluster.Schedule;

/// <summary>One schedule entity per account shard, named by the account shard's id.</summary>
public sealed class WakeScheduleMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IWakeScheduleMessage)?.Shard;
}
