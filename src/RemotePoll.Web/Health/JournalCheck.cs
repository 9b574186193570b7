using Microsoft.Extensions.Diagnostics.HealthChecks;
using RemotePoll.Cluster.Persistence;

namespace RemotePoll.Web.Health;

/// <summary>Ready only while the event journal is reachable: the node's layer reads it (<see cref="IJournalProbe"/>).</summary>
public sealed class JournalCheck(IJournalProbe journal) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await journal.ProbeAsync(cancellationToken) is { } failure
            ? HealthCheckResult.Unhealthy($"the journal ({journal.Kind}) does not answer: {failure}")
            : HealthCheckResult.Healthy($"the journal ({journal.Kind}) answers");
}
