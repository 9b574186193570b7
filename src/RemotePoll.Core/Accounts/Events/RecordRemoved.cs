using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Events;

/// <summary>A record was removed (Poll Every = Never, remove, or absent from a replacing set).</summary>
public sealed record RecordRemoved(RecordKind Kind, string Name) : IAccountEvent;
