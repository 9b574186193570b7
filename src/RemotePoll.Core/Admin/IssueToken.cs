namespace RemotePoll.Core.Admin;

/// <summary>
/// <c>token issue --role server|domain|user [--domain D] [--account A] [--expires DURATION]</c>: a new token signed with the
/// cluster secret (server administrators only). Null <see cref="Expires"/>: the default lifetime.
/// </summary>
public sealed record IssueToken(string Role, string? Domain, string? Account, string? Expires) : IAdminCommand;
