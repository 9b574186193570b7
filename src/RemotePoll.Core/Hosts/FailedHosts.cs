using System.Collections.Immutable;
using System.Globalization;
using System.Net;

namespace RemotePoll.Core.Hosts;

/// <summary>
/// Delay Failed Hosts (spec, Remote Poll settings): "When the Remote Poll Module fails to connect to an external host,
/// it marks the host as failed and stops polling all accounts on that host" until the delay passes. A host is its
/// resolved address and port (<see cref="Endpoint"/>), not its name: a record on <c>provider:1</c> says nothing about
/// <c>provider:110</c>. One account's failure holds back only that account's polls of the endpoint; when
/// <see cref="AccountsToFailForAll"/> distinct accounts fail on it within the delay, it is failed for every account.
/// So one user's broken record cannot stall everyone else on a shared provider.
/// </summary>
public sealed record FailedHosts(ImmutableSortedDictionary<string, FailedHost> Hosts)
{
    public const int AccountsToFailForAll = 2;

    public static readonly FailedHosts Empty = new(ImmutableSortedDictionary<string, FailedHost>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>An address and port as keys and listings write them.</summary>
    public static string Endpoint(IPAddress address, int port) =>
        new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port).ToString();

    /// <summary>
    /// The failure that holds <paramref name="account"/> back from <paramref name="endpoints"/> (the addresses a poll would
    /// try) at <paramref name="now"/>: every one of them is failed for everyone or for this account. Null: poll.
    /// </summary>
    public FailedHost? Blocking(IReadOnlyCollection<string> endpoints, string account, DateTimeOffset now)
    {
        FailedHost? first = null;
        foreach (var endpoint in endpoints)
        {
            if (BlockingOne(endpoint, account, now) is not { } f) return null;
            first ??= f;
        }
        return first;
    }

    /// <summary>
    /// What <paramref name="account"/>'s failure to connect to <paramref name="endpoint"/> marks: the account's own delay
    /// and, when another account's failure of the endpoint is still live, the endpoint for everyone. Nothing when the
    /// account is already held back (polls under way do not extend the delay).
    /// </summary>
    public IReadOnlyList<FailedHost> Failures(string host, string endpoint, string account, string reason, DateTimeOffset now, TimeSpan delay)
    {
        if (BlockingOne(endpoint, account, now) is not null) return [];
        var own = new FailedHost(host.ToLowerInvariant(), now, now + delay, reason) { Endpoint = endpoint, Account = account.ToLowerInvariant() };
        var accounts = 1 + Hosts.Values
            .Where(f => f.Endpoint == endpoint && f.Account is not null && f.Until > now && f.Account != own.Account)
            .Select(f => f.Account).Distinct(StringComparer.Ordinal).Count();
        if (accounts < AccountsToFailForAll) return [own];
        return [own, new FailedHost(own.Host, now, now + delay, $"{accounts} accounts could not connect; last: {reason}") { Endpoint = endpoint }];
    }

    public FailedHosts Fail(FailedHost failure) =>
        failure.Endpoint is null ? this : new(Hosts.SetItem(Key(failure), failure with { Host = failure.Host.ToLowerInvariant() }));

    /// <summary>Forgets every failure of the host <paramref name="hostOrEndpoint"/> names (all its addresses and accounts), or of that one endpoint.</summary>
    public FailedHosts Clear(string hostOrEndpoint)
    {
        var gone = Matching(hostOrEndpoint).Select(Key).ToList();
        return gone.Count == 0 ? this : new(Hosts.RemoveRange(gone));
    }

    /// <summary>The failures <see cref="Clear"/> would forget.</summary>
    public IEnumerable<FailedHost> Matching(string hostOrEndpoint)
    {
        var name = hostOrEndpoint.Trim().ToLowerInvariant();
        return Hosts.Values.Where(f => f.Host == name || string.Equals(f.Endpoint, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Forgets failures whose delay has passed, and any without an endpoint (kept by name before 16.5).</summary>
    public FailedHosts Prune(DateTimeOffset now)
    {
        var gone = Hosts.Where(x => x.Value.Until <= now).Select(x => x.Key).ToList();
        return gone.Count == 0 ? this : new(Hosts.RemoveRange(gone));
    }

    private FailedHost? BlockingOne(string endpoint, string account, DateTimeOffset now) =>
        Live(endpoint, now) ?? Live(endpoint + " " + account.ToLowerInvariant(), now);

    private FailedHost? Live(string key, DateTimeOffset now) => Hosts.TryGetValue(key, out var f) && f.Until > now ? f : null;

    private static string Key(FailedHost f) => f.Account is null ? f.Endpoint! : f.Endpoint + " " + f.Account.ToLowerInvariant();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FailedHosts {{ {Hosts.Count} }}");
}
