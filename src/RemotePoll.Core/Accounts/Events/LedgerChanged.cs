using RemotePoll.Core.Ledgers;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>An RPOP record's UID ledger changed: persisted once per batch, before the batch is deleted remotely.</summary>
public sealed record LedgerChanged(string Name, LedgerChange Change) : IAccountEvent;
