using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Core.Hosts;

/// <summary>
/// Outbound safety for records of account users: addresses inside the operator's own networks (loopback, private,
/// link-local, unspecified, multicast) are not theirs to reach. The cluster's own addresses are checked by the caller.
/// </summary>
public static class OutboundAddress
{
    /// <summary>Why <paramref name="address"/> may not be the target of an account user's record, or null when it may.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [127, ..] => "a loopback address",
                [0, ..] => "an unspecified address (0.0.0.0/8)",
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => "a private address (RFC 1918)",
                [100, >= 64 and <= 127, ..] => "a shared address (RFC 6598, 100.64.0.0/10)",
                [169, 254, ..] => "a link-local address",
                [>= 224 and <= 239, ..] => "a multicast address",
                [255, 255, 255, 255] => "the broadcast address",
                _ => null,
            };
        }
        if (IPAddress.IPv6Loopback.Equals(address)) return "a loopback address";
        if (IPAddress.IPv6Any.Equals(address)) return "an unspecified address";
        if (address.IsIPv6UniqueLocal) return "a private address (fc00::/7)";
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "a link-local address";
        if (address.IsIPv6Multicast) return "a multicast address";
        return null;
    }
}
