using Akka.Actor;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Polling;

// Messages between an account entity and its pollers. They never leave the process (a poller is a child of its
// entity), so they have no manifests.

/// <summary>The entity tells a poller its record changed (or what it is, at start) and when it last ran.</summary>
public sealed record RpopRecordUpdated(RpopRecord Record, DateTimeOffset? LastAttempt);

/// <summary>Poll now (Try Now, or <c>rpoll rpop poll</c>); with <see cref="ReplyTo"/> the report goes there when it ends.</summary>
public sealed record PollNow(IActorRef? ReplyTo);

/// <summary>A poller asks its entity for the record's ledger at the start of a poll.</summary>
public sealed record GetLedger(string Name);

/// <summary>A poller asks its entity to persist a batch's ledger change; the reply is <see cref="LedgerCommitted"/>.</summary>
public sealed record CommitLedger(string Name, LedgerChange Change);

public sealed record LedgerCommitted;

/// <summary>A poll ended; the entity persists its outcome (Last or Error).</summary>
public sealed record PollCompleted(RecordKind Kind, PollReport Report);
