using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RemotePoll.Web.Health;

/// <summary>Live while the node's actor system runs and this node has not been downed or removed from the cluster.</summary>
public sealed class ActorSystemCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (system.WhenTerminated.IsCompleted) return Task.FromResult(HealthCheckResult.Unhealthy("the actor system has stopped"));
        var cluster = Akka.Cluster.Cluster.Get(system);
        return Task.FromResult(cluster.IsTerminated || cluster.SelfMember.Status is Akka.Cluster.MemberStatus.Down or Akka.Cluster.MemberStatus.Removed
            ? HealthCheckResult.Unhealthy($"this node is {cluster.SelfMember.Status} in the cluster")
            : HealthCheckResult.Healthy($"the actor system runs; member status {cluster.SelfMember.Status}"));
    }
}
