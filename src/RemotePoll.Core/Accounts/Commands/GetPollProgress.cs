using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>How far the poll ordered with <see cref="PollRecord.Ticket"/> = <paramref name="Ticket"/> is; answered with a
/// <see cref="Admin.PollProgressView"/>.</summary>
public sealed record GetPollProgress(string Account, RecordKind Kind, string Name, string Ticket) : IAccountCommand;
