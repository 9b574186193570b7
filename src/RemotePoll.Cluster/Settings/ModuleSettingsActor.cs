using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Replication;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Settings;

/// <summary>
/// The server-wide Remote Poll settings: a persistent cluster singleton (spec, Remote Poll settings). It replicates them
/// to every node (<see cref="ReplicaKeys.Settings"/>) after recovery and on each change, and answers <c>module set</c>
/// once every node confirmed the new version (or with a warning naming those that did not).
/// </summary>
public sealed class ModuleSettingsActor : SnapshottingActor
{
    private ModuleSettings _settings = ModuleSettings.Default;

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: ModuleSettingsChanged s }: _settings = s.Settings; return true;
            case ModuleSettingsChanged e: _settings = e.Settings; return true;
            case RecoveryCompleted: _ = ReplicaPublisher.WriteAsync(Context.System, ReplicaKeys.Settings, Replicated()); return true;
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case ModuleShow:
                Sender.Tell(AdminReply.Success(new ModuleSettingsView(_settings)));
                return true;
            case ModuleSet set:
                Set(set);
                return true;
            default:
                return false;
        }
    }

    public override string PersistenceId => "module-settings";

    private void Set(ModuleSet set)
    {
        ModuleSettings next;
        try { next = _settings.With(set.Key, set.Value); }
        catch (ValidationException ex) { Sender.Tell(AdminReply.From(ex)); return; }
        if (next == _settings) { Sender.Tell(AdminReply.Success(new ModuleSettingsView(_settings))); return; }
        var sender = Sender;
        Persist(new ModuleSettingsChanged(next), e =>
        {
            _settings = e.Settings;
            MaybeSnapshot(() => e);
            var reply = AdminReply.Success(new ModuleSettingsView(_settings));
            ReplicaPublisher.PublishAsync(Context.System, ReplicaKeys.Settings, Replicated())
                .PipeTo(sender, success: missing => reply with { Warning = ReplicaPublisher.Warning(missing) }, failure: _ => reply);
        });
    }

    private ReplicatedSettings Replicated() => new(LastSequenceNr, _settings);
}
