using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Core.CommuniGate;

/// <summary>A CGP IP address with an optional port, written <c>#I[1.2.3.4]:110</c> or <c>#I[::1]</c>.</summary>
public sealed record CgpIpAddress : CgpValue
{
    /// <summary>Copies <paramref name="address"/> (an <see cref="IPAddress"/> is mutable).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is an IPv6 address with a scope id, which the text form cannot carry.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not from 0 to 65535.</exception>
    public CgpIpAddress(IPAddress address, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            throw new ArgumentException($"The address {address} has a scope id, which a CommuniGate address cannot carry.", nameof(address));
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is a number from 0 to 65535.");
        Address = new IPAddress(address.GetAddressBytes());
        Port = port;
    }

    public IPAddress Address { get; }

    public int? Port { get; }
}
