namespace RemotePoll.Core.Admin;

/// <summary>One failed host: since when, until when, and why.</summary>
public sealed record FailedHostView(string Host, DateTimeOffset Since, DateTimeOffset Until, string Reason);
