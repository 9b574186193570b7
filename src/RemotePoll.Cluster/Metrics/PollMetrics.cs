using System.Diagnostics.Metrics;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Governor;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Metrics;

/// <summary>
/// Every instrument of the node in one place (meter <see cref="MeterName"/>), for operators' dashboards: polls, messages,
/// bytes and errors by class from each poll's report; permits in use against Processes and the failed hosts from the
/// singletons, reported by the node that runs them; how late scheduled polls start.
/// </summary>
public static class PollMetrics
{
    public const string MeterName = "RemotePoll";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Polls = Meter.CreateCounter<long>("remotepoll.polls", description: "Polls ended, by kind and outcome");
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("remotepoll.messages", description: "Messages delivered or mirrored, by kind");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("remotepoll.received", unit: "By", description: "Bytes of messages delivered or mirrored, by kind");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("remotepoll.errors", description: "Failed polls, by kind and error class");
    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>("remotepoll.poll.lateness", unit: "s",
        description: "How long after its due time a scheduled poll got its permit and connected");

    private static PermitPool? _permits;
    private static FailedHosts? _failedHosts;
    private static PermitPool? _pushPermits;

    static PollMetrics()
    {
        Meter.CreateObservableGauge("remotepoll.connections.in_use",
            () => _permits is { } p ? [new Measurement<int>(p.InUse)] : Array.Empty<Measurement<int>>(),
            description: "Remote sessions holding a permit, cluster-wide (reported by the node running the governor)");
        Meter.CreateObservableGauge("remotepoll.connections.limit",
            () => _permits is { } p ? [new Measurement<int>(p.Capacity)] : Array.Empty<Measurement<int>>(),
            description: "The Processes setting as the governor applies it");
        Meter.CreateObservableGauge("remotepoll.connections.waiting",
            () => _permits is { } p ? [new Measurement<int>(p.Waiting.Count)] : Array.Empty<Measurement<int>>(),
            description: "Polls waiting for a permit");
        Meter.CreateObservableGauge("remotepoll.push.held",
            () => _pushPermits is { } p ? [new Measurement<int>(p.InUse)] : Array.Empty<Measurement<int>>(),
            description: "RIMAP push (IDLE) connections held, cluster-wide (reported by the node running the push governor)");
        Meter.CreateObservableGauge("remotepoll.push.limit",
            () => _pushPermits is { } p ? [new Measurement<int>(p.Capacity)] : Array.Empty<Measurement<int>>(),
            description: "The push-connections setting as the push governor applies it");
        Meter.CreateObservableGauge("remotepoll.hosts.failed",
            () => _failedHosts is { } h ? [new Measurement<int>(h.Prune(DateTimeOffset.UtcNow).Hosts.Count)] : Array.Empty<Measurement<int>>(),
            description: "Hosts held back by Delay Failed Hosts (reported by the node running host health)");
    }

    /// <summary>One poll ended.</summary>
    public static void PollEnded(PollReport report)
    {
        var kind = new KeyValuePair<string, object?>("kind", report.Kind);
        Polls.Add(1, kind, new("outcome", report.Ok ? "ok" : "failed"));
        if (report.Messages > 0) Messages.Add(report.Messages, kind);
        if (report.Bytes > 0) Bytes.Add(report.Bytes, kind);
        if (!report.Ok) Errors.Add(1, kind, new("class", report.ErrorKind ?? "Internal"));
    }

    public static void PollStartedLate(string kind, TimeSpan late) =>
        Lateness.Record(Math.Max(0, late.TotalSeconds), new KeyValuePair<string, object?>("kind", kind));

    /// <summary>The governor's pool now; null when the governor stops on this node.</summary>
    public static void Permits(PermitPool? pool) => _permits = pool;

    /// <summary>The push governor's pool now; null when it stops on this node.</summary>
    public static void PushPermits(PermitPool? pool) => _pushPermits = pool;

    /// <summary>Host health's failures now; null when it stops on this node.</summary>
    public static void FailedHosts(FailedHosts? hosts) => _failedHosts = hosts;
}
