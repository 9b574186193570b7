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
        var v6 = address.GetAddressBytes();
        if (v6 is [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..]) return "a local-use NAT64 address (64:ff9b:1::/48)";
        // IPv6 forms that carry an IPv4 address reach that IPv4 address (through the OS, a NAT64 or a 6to4 relay):
        // the IPv4 rules apply to it.
        foreach (var (embedded, form) in EmbeddedIPv4(v6))
            if (Refusal(embedded) is { } why) return $"{why} ({embedded} in {form})";
        if (address.IsIPv6UniqueLocal) return "a private address (fc00::/7)";
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal) return "a link-local address";
        if (address.IsIPv6Multicast) return "a multicast address";
        return null;
    }

    /// <summary>
    /// The IPv4 addresses an IPv6 address carries: IPv4-compatible (::a.b.c.d, RFC 4291), NAT64 well-known prefix
    /// (64:ff9b::/96, RFC 6052), 6to4 (2002:AABB:CCDD::/48, RFC 3056), Teredo (2001::/32, RFC 4380: server and client).
    /// IPv4-mapped addresses are turned into IPv4 before.
    /// </summary>
    private static IEnumerable<(IPAddress Address, string Form)> EmbeddedIPv4(byte[] b)
    {
        if (b.Length != 16) yield break;
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            yield return (new IPAddress(b.AsSpan(12, 4)), "an IPv4-compatible IPv6 address");
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
            yield return (new IPAddress(b.AsSpan(12, 4)), "a NAT64 address (64:ff9b::/96)");
        if (b is [0x20, 0x02, ..])
            yield return (new IPAddress(b.AsSpan(2, 4)), "a 6to4 address (2002::/16)");
        if (b is [0x20, 0x01, 0x00, 0x00, ..])
        {
            yield return (new IPAddress(b.AsSpan(4, 4)), "a Teredo address's server (2001::/32)");
            yield return (new IPAddress(b.AsSpan(12, 4).ToArray().Select(x => (byte)~x).ToArray()), "a Teredo address's client (2001::/32)");
        }
    }
}
