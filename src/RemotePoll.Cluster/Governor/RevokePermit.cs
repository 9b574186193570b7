using RemotePoll.Cluster.Serialization;

namespace RemotePoll.Cluster.Governor;

/// <summary>To a holder: its pool now holds more permits than its capacity (push-connections was lowered): end the
/// connection and release the permit. Sent again each tick until released; the id makes it idempotent.</summary>
public sealed record RevokePermit(string Id) : IClusterMessage;
