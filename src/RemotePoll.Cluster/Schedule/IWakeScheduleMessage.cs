namespace RemotePoll.Cluster.Schedule;

/// <summary>A message for the wake schedule of one account shard; <see cref="Shard"/> routes it.</summary>
public interface IWakeScheduleMessage
{
    string Shard { get; }
}
