using System.Net;
using RemotePoll.Core.Hosts;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Outbound safety for records of account users, the same rule at save and at connect: none of the addresses the host
/// resolves to may be loopback, private, link-local, unspecified or the cluster's own, unless the module setting
/// allow-user-private-targets says so.
/// </summary>
public static class OutboundGuard
{
    /// <summary>Why a record of an account user may not reach <paramref name="host"/> at <paramref name="addresses"/>, or null.</summary>
    public static string? Refusal(string host, IEnumerable<IPAddress> addresses, IReadOnlySet<IPAddress> own)
    {
        foreach (var a in addresses)
        {
            var why = OutboundAddress.Refusal(a) ?? (OwnAddresses.Contains(own, a) ? "one of the cluster's own addresses" : null);
            if (why is not null)
                return $"{host}{(host == a.ToString() ? "" : $" ({a})")} is {why}: records of account users may not target it (module setting allow-user-private-targets)";
        }
        return null;
    }
}
