namespace RemotePoll.Cluster.Schedule;

/// <summary>Sharding hands a schedule over (or the node stops): it snapshots what changed, then stops. Local only.</summary>
public sealed class StopWakeSchedule
{
    public static readonly StopWakeSchedule Instance = new();

    private StopWakeSchedule()
    {
    }
}
