using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Create or change one RPOP record (Poll Every = Never removes it).</summary>
public sealed record SetRpopRecord(string Account, RpopRecordChange Change) : IAccountCommand;
