using RemotePoll.Core.Accounts.Commands;

namespace RemotePoll.Core.Admin;

/// <summary>How a device flow started by <see cref="AuthorizeRecord"/> stands (the account scopes who may ask).</summary>
public sealed record GetAuthorization(string Account, string Ticket) : IAccountCommand;
