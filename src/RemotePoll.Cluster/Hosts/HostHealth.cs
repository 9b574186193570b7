using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Cluster.Replication;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Hosts;

/// <summary>
/// Delay Failed Hosts for the whole cluster: a persistent singleton that pollers tell when a connection failed. Failures
/// are kept by resolved address and port, per account until several accounts fail on the same endpoint
/// (<see cref="FailedHosts"/>), and replicated to every node (<see cref="ReplicaKeys.Hosts"/>) after recovery and on each
/// change, where pollers check them before they connect; <c>hosts clear</c> answers once every node confirmed it.
/// </summary>
public sealed class HostHealth(TimeProvider clock) : SnapshottingActor
{
    private FailedHosts _failed = FailedHosts.Empty;

    public static Props Props(TimeProvider clock) => Akka.Actor.Props.Create(() => new HostHealth(clock));

    private FailedHosts _hosts
    {
        get => _failed;
        set { _failed = value; PollMetrics.FailedHosts(value); }
    }

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case HostMarkedFailed e: _hosts = _hosts.Fail(e.Failure); return true;
            case HostCleared e: _hosts = _hosts.Clear(e.Host); return true;
            case RecoveryCompleted: _ = ReplicaPublisher.WriteAsync(Context.System, ReplicaKeys.Hosts, Replicated()); return true;
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case ReportHostFailure r:
                Failed(r);
                return true;
            case HostsList:
                Sender.Tell(AdminReply.Success(new HostsView(_hosts.Prune(clock.GetUtcNow()).Hosts.Values
                    .Select(h => new FailedHostView(h.Describe(), h.Since, h.Until, h.Reason)).ToList())));
                return true;
            case HostsClear c:
                Clear(c);
                return true;
            default:
                return false;
        }
    }

    private void Failed(ReportHostFailure r)
    {
        var now = clock.GetUtcNow();
        _hosts = _hosts.Prune(now);
        // The first failure starts the delay; later ones inside it (polls already under way) do not extend it.
        var failures = r.Endpoints.SelectMany(e => _hosts.Failures(r.Host, e, r.Account, r.Reason, now, r.Delay)).ToList();
        if (failures.Count == 0) return;
        PersistAll(failures.Select(f => new HostMarkedFailed(f)), e => _hosts = _hosts.Fail(e.Failure));
        // Once, after the last of them: the nodes' pollers skip the endpoint from now on (nothing waits for the confirmations).
        DeferAsync(r, _ => ReplicaPublisher.WriteAsync(Context.System, ReplicaKeys.Hosts, Replicated()));
    }

    private void Clear(HostsClear c)
    {
        var host = c.Host.Trim().ToLowerInvariant();
        if (!_hosts.Matching(host).Any()) { Sender.Tell(AdminReply.Failure($"host: '{c.Host}' is not marked failed")); return; }
        var sender = Sender;
        Persist(new HostCleared(host), e =>
        {
            _hosts = _hosts.Clear(e.Host);
            var reply = AdminReply.Success(new Done($"{e.Host} is no longer marked failed"));
            ReplicaPublisher.PublishAsync(Context.System, ReplicaKeys.Hosts, Replicated())
                .PipeTo(sender, success: missing => reply with { Warning = ReplicaPublisher.Warning(missing) }, failure: _ => reply);
        });
    }

    /// <summary>The live failures at the journal's sequence number: expired ones are not sent to the nodes.</summary>
    private ReplicatedHosts Replicated() => new(LastSequenceNr, _hosts.Prune(clock.GetUtcNow()).Hosts.Values.ToList());

    public override string PersistenceId => "host-health";

    protected override void PreStart()
    {
        base.PreStart();
        PollMetrics.FailedHosts(_failed);
    }

    protected override void PostStop()
    {
        PollMetrics.FailedHosts(null);
        base.PostStop();
    }
}
