namespace RemotePoll.Cluster.Replication;

/// <summary>
/// A node's copy of replicated data, written by <see cref="ReplicaCaches"/> and read by pollers on any thread: a poll
/// reads it where it runs instead of asking the singleton that owns the data.
/// </summary>
public abstract class LocalReplica<T>(T empty) where T : class
{
    private volatile T _current = empty;

    public T Current => _current;

    public void Update(T value) => _current = value;
}
