using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Remove one record.</summary>
public sealed record RemoveRecord(string Account, RecordKind Kind, string Name) : IAccountCommand;
