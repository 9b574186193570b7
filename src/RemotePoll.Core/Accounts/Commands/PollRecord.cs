using RemotePoll.Core.Records;

namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Poll one record now, out of schedule (Try Now); with <see cref="Wait"/> the reply comes when it ends.</summary>
public sealed record PollRecord(string Account, RecordKind Kind, string Name, bool Wait) : IAccountCommand;
