namespace RemotePoll.Core.Hosts;

/// <summary>A host that refused a connection: not polled by any node until <see cref="Until"/>.</summary>
public sealed record FailedHost(string Host, DateTimeOffset Since, DateTimeOffset Until, string Reason);
