using RemotePoll.Core.Unified;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>
/// An RPOP record of a Unified Domain-Wide Account delivered a batch to its recipients: persisted once per batch,
/// before the batch's UIDs, so that duplicates and per-recipient progress survive a restart or a fail-over.
/// </summary>
public sealed record UnifiedDeliveriesRecorded(string Name, UnifiedChange Change) : IAccountEvent;
