using System.Net;
using System.Net.NetworkInformation;
using Akka.Actor;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// Allow Self-Poll (spec): the addresses that are "this server": every interface address of this node, the
/// addresses of the cluster's members, and the configured own-addresses (the local mail server's, for example).
/// </summary>
public static class OwnAddresses
{
    public static HashSet<IPAddress> Of(ActorSystem system, IEnumerable<IPAddress> configured)
    {
        var own = new HashSet<IPAddress>(configured);
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            foreach (var a in nic.GetIPProperties().UnicastAddresses)
                own.Add(a.Address);
        foreach (var m in Akka.Cluster.Cluster.Get(system).State.Members)
            if (m.Address.Host is { } h && IPAddress.TryParse(h, out var ip)) own.Add(ip);
        return own;
    }

    /// <summary>True when <paramref name="address"/> is one of <paramref name="own"/> (IPv4-mapped IPv6 included).</summary>
    public static bool Contains(IReadOnlySet<IPAddress> own, IPAddress address) =>
        own.Contains(address) || (address.IsIPv4MappedToIPv6 && own.Contains(address.MapToIPv4()));
}
