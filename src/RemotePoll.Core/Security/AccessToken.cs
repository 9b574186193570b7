namespace RemotePoll.Core.Security;

/// <summary>What a verified token says: its id (for audit logs), the caller, and when it stops being accepted.</summary>
public sealed record AccessToken(string Id, Caller Caller, DateTimeOffset Expires);
