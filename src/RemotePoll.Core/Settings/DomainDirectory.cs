using System.Collections.Immutable;
using System.Net;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Settings;

/// <summary>The local domains; at most one is the main domain. Pure state with its own change rule.</summary>
public sealed record DomainDirectory(ImmutableSortedDictionary<string, DomainSettings> Domains)
{
    public static readonly DomainDirectory Empty = new(ImmutableSortedDictionary<string, DomainSettings>.Empty);

    public string? MainDomain => Domains.Values.FirstOrDefault(d => d.IsMain)?.Name;

    /// <summary>
    /// Validates a domain change: name syntax, IP addresses; null <paramref name="ips"/> keeps the assigned ones.
    /// Returns the domain as it will be stored. Throws <see cref="ValidationException"/>.
    /// </summary>
    public DomainSettings Prepare(string name, IReadOnlyList<string>? ips, bool? main)
    {
        var n = name.Trim().TrimEnd('.').ToLowerInvariant();
        var errors = new List<FieldError>();
        if (Records.HostAndPort.TryParse(n, out var reason) is not { Port: null } || IPAddress.TryParse(n, out _))
            errors.Add(new FieldError("domain", $"'{name}' is not a domain name{(reason is null ? "" : ": " + reason)}"));
        var parsed = new List<string>();
        foreach (var ip in ips ?? [])
            if (IpAddressText.Parse(ip) is { } a) parsed.Add(a.ToString());
            else errors.Add(new FieldError("ip", $"'{ip}' is not an IP address"));
        if (errors.Count > 0) throw new ValidationException(errors);
        Domains.TryGetValue(n, out var existing);
        return new DomainSettings(n, ips is null ? existing?.AssignedIps ?? [] : parsed, main ?? existing?.IsMain ?? false);
    }

    public DomainDirectory Apply(DomainSettings domain)
    {
        var d = Domains;
        if (domain.IsMain)
            foreach (var other in d.Values.Where(o => o.IsMain && o.Name != domain.Name))
                d = d.SetItem(other.Name, other with { IsMain = false });
        return new DomainDirectory(d.SetItem(domain.Name, domain));
    }

    public DomainDirectory Remove(string name) => new(Domains.Remove(name.Trim().ToLowerInvariant()));

    /// <summary>The domain of <paramref name="account"/> if it is a known local domain.</summary>
    public DomainSettings? DomainOf(string account)
    {
        var at = account.LastIndexOf('@');
        return at >= 0 && Domains.TryGetValue(account[(at + 1)..].ToLowerInvariant(), out var d) ? d : null;
    }
}
