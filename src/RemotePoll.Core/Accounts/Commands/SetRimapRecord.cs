using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Create or change one RIMAP record (Poll Every = Never removes it).</summary>
public sealed record SetRimapRecord(string Account, RimapRecordChange Change) : IAccountCommand;
