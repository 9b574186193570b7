using System.Net;
using RemotePoll.Core.Hosts;
using Xunit;

namespace RemotePoll.Core.Tests.Hosts;

/// <summary>Which addresses account users' records may not reach: loopback, private, link-local, unspecified, multicast.</summary>
public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "RFC 1918")]
    [InlineData("172.16.0.1", "RFC 1918")]
    [InlineData("172.31.255.255", "RFC 1918")]
    [InlineData("192.168.1.1", "RFC 1918")]
    [InlineData("::ffff:192.168.1.1", "RFC 1918")]
    [InlineData("fc00::1", "fc00::/7")]
    [InlineData("fd12:3456::1", "fc00::/7")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("100.64.0.1", "RFC 6598")]
    [InlineData("224.0.0.1", "multicast")]
    public void Internal_addresses_are_refused_with_the_reason(string address, string reason) =>
        Assert.Contains(reason, OutboundAddress.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("2a00:1450::1")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(OutboundAddress.Refusal(IPAddress.Parse(address)));
}
