namespace RemotePoll.Core.Accounts.Commands;

/// <summary>Change the account's Remote Poll settings; null keeps a value.</summary>
public sealed record SetAccountSettings(string Account, bool? CanModifyRpop) : IAccountCommand;
