namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Read the account: settings, records (passwords sealed) and status.</summary>
public sealed record GetAccount(string Account) : IAccountCommand;
