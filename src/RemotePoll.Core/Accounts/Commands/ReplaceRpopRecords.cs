using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Replace the account's whole RPOP set (SETACCOUNTRPOPS): absent records are removed.</summary>
public sealed record ReplaceRpopRecords(string Account, IReadOnlyList<RpopRecordChange> Records) : IAccountCommand;
