using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Replace the account's whole RIMAP set (SETACCOUNTRIMAPS): absent records are removed.</summary>
public sealed record ReplaceRimapRecords(string Account, IReadOnlyList<RimapRecordChange> Records) : IAccountCommand;
