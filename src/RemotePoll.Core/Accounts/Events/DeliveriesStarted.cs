using RemotePoll.Core.Ledgers;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>
/// An RPOP record is about to hand these messages to the local side: persisted before the delivery, cleared by the
/// <see cref="LedgerChanged"/> that records their UIDs (exactly-once delivery across a crash).
/// </summary>
public sealed record DeliveriesStarted(string Name, IReadOnlyList<InFlightDelivery> Deliveries) : IAccountEvent;
