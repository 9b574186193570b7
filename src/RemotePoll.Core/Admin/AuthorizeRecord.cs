using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Records;

namespace RemotePoll.Core.Admin;

/// <summary>
/// <c>rpoll rpop|rimap authorize ACCOUNT NAME</c>: the node starts the provider's device flow (RFC 8628) for the record and
/// answers <see cref="OAuthAuthorizationView"/> with the URL and code to show; it then waits for the user's approval
/// and stores the grant. Followed with <see cref="GetAuthorization"/>.
/// </summary>
public sealed record AuthorizeRecord(string Account, RecordKind Kind, string Name) : IAccountCommand;
