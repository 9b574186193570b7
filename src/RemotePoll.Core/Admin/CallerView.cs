namespace RemotePoll.Core.Admin;

/// <summary>The caller behind a token: role (server | domain | user), its domain and account, the token's id and expiry.</summary>
public sealed record CallerView(string Role, string? Domain, string? Account, string TokenId, DateTimeOffset Expires) : IAdminResult;
