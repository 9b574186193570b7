using RemotePoll.Core.Unified;

namespace RemotePoll.Mail.Unified;

/// <summary>What a poll of a Unified Domain-Wide Account needs beyond an ordinary RPOP poll.</summary>
public sealed record UnifiedOptions
{
    /// <summary>
    /// The domains this unified account delivers to: its own (and the aliases of it the directory lists). An address in
    /// any other domain, local or not, is not delivered: one tenant's unified account never writes into another's.
    /// </summary>
    public required IReadOnlySet<string> LocalDomains { get; init; }
    /// <summary>The record's duplicate and progress ledger as the poll starts.</summary>
    public required UnifiedLedger Ledger { get; init; }
    /// <summary>Persists a batch's deliveries; the destination waits for it before it reports the batch.</summary>
    public required Func<UnifiedChange, CancellationToken, Task> Commit { get; init; }
    /// <summary>The same message for the same recipient within this window is delivered once.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromDays(1);
    /// <summary>Sends failure reports; null when no report relay is configured (refusals are then only logged).</summary>
    public FailureReporter? Reports { get; init; }
    /// <summary>Where unusual handling is told (malformed address fields, reports sent or not sent).</summary>
    public Action<string>? Log { get; init; }
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
