using RemotePoll.Core.Ledgers;

namespace RemotePoll.Cluster.Polling;

// Between an account entity and its pollers, inside one process: no manifest needed.
/// <summary>A poller asks its entity to journal a batch's deliveries as started; the reply is <see cref="LedgerCommitted"/>.</summary>
public sealed record MarkInFlight(string Name, IReadOnlyList<InFlightDelivery> Deliveries);
