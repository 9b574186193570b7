using Akka.Actor;
using Akka.Persistence;
using RemotePoll.Cluster.Metrics;
using RemotePoll.Cluster.Persistence;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Hosts;

/// <summary>
/// Delay Failed Hosts for the whole cluster: a persistent singleton that every poller asks before it connects and
/// tells when a connection failed. Failures are kept by resolved address and port, per account until several accounts
/// fail on the same endpoint (<see cref="FailedHosts"/>). They survive a hand-over, so they hold on every node.
/// </summary>
public sealed class HostHealth : SnapshottingActor
{
    private FailedHosts _failed = FailedHosts.Empty;

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
            default: return false;
        }
    }

    protected override bool OnCommand(object message)
    {
        switch (message)
        {
            case CheckHost c:
                Sender.Tell(new HostCheck(c.Host, _hosts.Blocking(c.Endpoints, c.Account, DateTimeOffset.UtcNow)));
                return true;
            case ReportHostFailure r:
                Failed(r);
                return true;
            case HostsList:
                var now = DateTimeOffset.UtcNow;
                Sender.Tell(AdminReply.Success(new HostsView(_hosts.Prune(now).Hosts.Values
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
        var now = DateTimeOffset.UtcNow;
        _hosts = _hosts.Prune(now);
        // The first failure starts the delay; later ones inside it (polls already under way) do not extend it.
        var failures = r.Endpoints.SelectMany(e => _hosts.Failures(r.Host, e, r.Account, r.Reason, now, r.Delay)).ToList();
        if (failures.Count == 0) return;
        PersistAll(failures.Select(f => new HostMarkedFailed(f)), e => _hosts = _hosts.Fail(e.Failure));
    }

    private void Clear(HostsClear c)
    {
        var host = c.Host.Trim().ToLowerInvariant();
        if (!_hosts.Matching(host).Any()) { Sender.Tell(AdminReply.Failure($"host: '{c.Host}' is not marked failed")); return; }
        var sender = Sender;
        Persist(new HostCleared(host), e =>
        {
            _hosts = _hosts.Clear(e.Host);
            sender.Tell(AdminReply.Success(new Done($"{e.Host} is no longer marked failed")));
        });
    }

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
