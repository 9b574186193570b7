using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>An RIMAP record was created or changed (the password inside is sealed).</summary>
public sealed record RimapRecordSaved(RimapRecord Record) : IAccountEvent;
