namespace RemotePoll.Core.Hosts;

/// <summary>
/// A remote endpoint that refused a connection: not polled until <see cref="Until"/>, for every account when
/// <see cref="Account"/> is null, else only for that account (see <see cref="FailedHosts"/>).
/// </summary>
/// <param name="Host">The host name as the records write it (lower case), for listings and <c>hosts clear</c>.</param>
public sealed record FailedHost(string Host, DateTimeOffset Since, DateTimeOffset Until, string Reason)
{
    /// <summary>The resolved address and port that failed: <c>192.0.2.1:110</c>, <c>[2001:db8::1]:993</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The only account held back; null: every account.</summary>
    public string? Account { get; init; }

    /// <summary>How listings name it: the host, the endpoint, and the account when only one is held back.</summary>
    public string Describe() => Account is null ? $"{Host} {Endpoint}" : $"{Host} {Endpoint} (account {Account} only)";
}
