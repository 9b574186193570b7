using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>An RPOP record was created or changed (the password inside is sealed).</summary>
public sealed record RpopRecordSaved(RpopRecord Record) : IAccountEvent;
