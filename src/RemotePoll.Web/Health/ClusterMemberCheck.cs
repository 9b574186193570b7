using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RemotePoll.Web.Health;

/// <summary>Ready only while this node is an Up member of the cluster: before it has joined, and once it leaves, it is not.</summary>
public sealed class ClusterMemberCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var self = cluster.SelfMember;
        var members = cluster.State.Members.Count(m => m.Status == MemberStatus.Up);
        var data = new Dictionary<string, object> { ["status"] = self.Status.ToString(), ["members-up"] = members };
        return Task.FromResult(self.Status == MemberStatus.Up && !cluster.State.Unreachable.Contains(self)
            ? HealthCheckResult.Healthy($"member {cluster.SelfAddress} is Up; {members} members Up", data)
            : HealthCheckResult.Unhealthy($"member {cluster.SelfAddress} is {self.Status}", data: data));
    }
}
