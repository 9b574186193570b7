using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Core.Validation;

/// <summary>An IP address as an operator types it.</summary>
internal static class IpAddressText
{
    /// <summary>
    /// The address, or null. IPv4 must be four dotted decimal numbers: <see cref="IPAddress.TryParse(string, out IPAddress)"/>
    /// also takes inet_aton shorthands ("10.1" is 10.0.0.1, "010.0.0.1" is octal), which are almost always typos here.
    /// </summary>
    public static IPAddress? Parse(string text)
    {
        var t = text.Trim();
        if (!IPAddress.TryParse(t, out var a)) return null;
        return a.AddressFamily == AddressFamily.InterNetwork && a.ToString() != t ? null : a;
    }
}
