using Akka.Event;
using Akka.Persistence;

namespace RemotePoll.Cluster.Persistence;

/// <summary>
/// A persistent actor that takes a snapshot every <see cref="SnapshotEvery"/> events and then deletes the events and
/// snapshots before it, so recovery reads one snapshot and a short tail (ARCHITECTURE: snapshot and delete old events).
/// </summary>
public abstract class SnapshottingActor : ReceivePersistentActor
{
    protected virtual int SnapshotEvery => 100;

    protected SnapshottingActor()
    {
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => Log.Warning(f.Cause, "snapshot of {0} failed; events are kept", PersistenceId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => Log.Warning(f.Cause, "deleting old events of {0} failed", PersistenceId));
        Command<DeleteSnapshotsFailure>(f => Log.Warning(f.Cause, "deleting old snapshots of {0} failed", PersistenceId));
    }

    /// <summary>Snapshots now (after a key rotation, so the old ciphertexts leave the journal with the events before it).</summary>
    protected void SnapshotNow(object snapshot) => SaveSnapshot(snapshot);

    /// <summary>Call after an event was applied: snapshots when the sequence number reaches the next multiple.</summary>
    protected void MaybeSnapshot(Func<object> snapshot)
    {
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(snapshot());
    }
}
