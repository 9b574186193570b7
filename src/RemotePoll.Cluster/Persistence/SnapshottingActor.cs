using Akka.Event;
using Akka.Persistence;

namespace RemotePoll.Cluster.Persistence;

/// <summary>
/// A persistent actor that takes a snapshot every <see cref="SnapshotEvery"/> events and then deletes the events and
/// snapshots before it, so recovery reads one snapshot and a short tail (ARCHITECTURE: snapshot and delete old events).
/// <para>Untyped (a switch over the message, no per-instance handler tables): a node holds one account entity per
/// account, so what each instance allocates counts (benchmarks README, memory per idle record).</para>
/// </summary>
public abstract class SnapshottingActor : PersistentActor
{
    protected virtual int SnapshotEvery => 100;

    /// <summary>The subclass's commands; false when the message is not one of them.</summary>
    protected abstract bool OnCommand(object message);

    protected sealed override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case SaveSnapshotSuccess s:
                DeleteMessages(s.Metadata.SequenceNr);
                DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
                SnapshotSaved(s.Metadata);
                return true;
            case SaveSnapshotFailure f:
                Log.Warning(f.Cause, "snapshot of {0} failed; events are kept", PersistenceId);
                SnapshotFailed();
                return true;
            case DeleteMessagesSuccess or DeleteSnapshotsSuccess:
                return true;
            case DeleteMessagesFailure f:
                Log.Warning(f.Cause, "deleting old events of {0} failed", PersistenceId);
                return true;
            case DeleteSnapshotsFailure f:
                Log.Warning(f.Cause, "deleting old snapshots of {0} failed", PersistenceId);
                return true;
            default:
                return OnCommand(message);
        }
    }

    /// <summary>A snapshot this actor asked for is stored (its older events and snapshots are being deleted).</summary>
    protected virtual void SnapshotSaved(SnapshotMetadata metadata)
    {
    }

    /// <summary>A snapshot this actor asked for could not be stored; the events are kept.</summary>
    protected virtual void SnapshotFailed()
    {
    }

    /// <summary>Snapshots now (after a key rotation, so the old ciphertexts leave the journal with the events before it).</summary>
    protected void SnapshotNow(object snapshot) => SaveSnapshot(snapshot);

    /// <summary>Call after an event was applied: snapshots when the sequence number reaches the next multiple.</summary>
    protected void MaybeSnapshot(Func<object> snapshot)
    {
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(snapshot());
    }
}
