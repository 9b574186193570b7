namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Adds UIDs to an RPOP record's ledger as already retrieved (migration from private/rpopids/NAME).</summary>
public sealed record ImportUids(string Account, string Name, IReadOnlyList<string> Uids) : IAccountCommand;
