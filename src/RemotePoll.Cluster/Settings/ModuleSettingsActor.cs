using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Settings;

/// <summary>The server-wide Remote Poll settings: a persistent cluster singleton (spec, Remote Poll settings).</summary>
public sealed class ModuleSettingsActor : SnapshottingActor
{
    private ModuleSettings _settings = ModuleSettings.Default;

    public ModuleSettingsActor()
    {
        Recover<SnapshotOffer>(o => { if (o.Snapshot is ModuleSettingsChanged s) _settings = s.Settings; });
        Recover<ModuleSettingsChanged>(e => _settings = e.Settings);
        Command<ModuleShow>(_ => Sender.Tell(AdminReply.Success(new ModuleSettingsView(_settings))));
        Command<ModuleSet>(Set);
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
            sender.Tell(AdminReply.Success(new ModuleSettingsView(_settings)));
        });
    }
}
