using System.Collections.Immutable;

namespace RemotePoll.Core.Hosts;

/// <summary>
/// Delay Failed Hosts (spec, Remote Poll settings): "When the Remote Poll Module fails to connect to an external host,
/// it marks the host as failed and stops polling all accounts on that host" until the delay passes. Keys are the
/// host as written in records (lower case), so every record naming it is held back.
/// </summary>
public sealed record FailedHosts(ImmutableSortedDictionary<string, FailedHost> Hosts)
{
    public static readonly FailedHosts Empty = new(ImmutableSortedDictionary<string, FailedHost>.Empty);

    /// <summary>The failure that still holds <paramref name="host"/> back at <paramref name="now"/>, or null.</summary>
    public FailedHost? Blocking(string host, DateTimeOffset now) =>
        Hosts.TryGetValue(host.ToLowerInvariant(), out var f) && f.Until > now ? f : null;

    public FailedHosts Fail(FailedHost failure) => new(Hosts.SetItem(failure.Host.ToLowerInvariant(), failure));

    public FailedHosts Clear(string host) => new(Hosts.Remove(host.ToLowerInvariant()));

    /// <summary>Forgets failures whose delay has passed.</summary>
    public FailedHosts Prune(DateTimeOffset now) =>
        Hosts.Values.Any(f => f.Until <= now) ? new(Hosts.RemoveRange(Hosts.Values.Where(f => f.Until <= now).Select(f => f.Host))) : this;
}
