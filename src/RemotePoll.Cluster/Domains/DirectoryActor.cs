using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Replication;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;

namespace RemotePoll.Cluster.Domains;

/// <summary>
/// The local domains (assigned IP addresses, main domain): a persistent cluster singleton. It replicates the directory to
/// every node (<see cref="ReplicaKeys.Directory"/>) after recovery and on each change, where pollers and the admin API
/// read it locally; <c>domain set</c> answers once every node confirmed the change (or with a warning naming those that did not).
/// </summary>
public sealed class DirectoryActor : SnapshottingActor
{
    private DomainDirectory _directory = DomainDirectory.Empty;

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: DirectorySnapshot s }: _directory = s.ToDirectory(); return true;
            case DomainSaved e: _directory = _directory.Apply(e.Domain); return true;
            case RecoveryCompleted: _ = ReplicaPublisher.WriteAsync(Context.System, ReplicaKeys.Directory, Replicated()); return true;
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case DomainList:
                Sender.Tell(AdminReply.Success(new DomainsView(_directory.Domains.Values.ToList())));
                return true;
            case DomainShow s:
                var name = s.Domain.Trim().TrimEnd('.').ToLowerInvariant();
                Sender.Tell(_directory.Domains.TryGetValue(name, out var d)
                    ? AdminReply.Success(new DomainsView([d]))
                    : AdminReply.Failure($"domain: '{s.Domain}' is not a known domain"));
                return true;
            case DomainSet set:
                Set(set);
                return true;
            default:
                return false;
        }
    }

    public override string PersistenceId => "directory";

    private DirectorySnapshot Snapshot() => new(_directory.Domains.Values.ToList());

    private void Set(DomainSet set)
    {
        DomainSettings domain;
        try { domain = _directory.Prepare(set.Domain, set.Ips, set.Main); }
        catch (ValidationException ex) { Sender.Tell(AdminReply.From(ex)); return; }
        var sender = Sender;
        Persist(new DomainSaved(domain), e =>
        {
            _directory = _directory.Apply(e.Domain);
            MaybeSnapshot(Snapshot);
            var reply = AdminReply.Success(new DomainsView([e.Domain]));
            ReplicaPublisher.PublishAsync(Context.System, ReplicaKeys.Directory, Replicated())
                .PipeTo(sender, success: missing => reply with { Warning = ReplicaPublisher.Warning(missing) }, failure: _ => reply);
        });
    }

    private ReplicatedDirectory Replicated() => new(LastSequenceNr, _directory.Domains.Values.ToList());
}
