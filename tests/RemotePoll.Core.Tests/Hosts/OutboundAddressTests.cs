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
    [InlineData("::127.0.0.1", "a loopback address (127.0.0.1 in an IPv4-compatible IPv6 address)")]
    [InlineData("::10.0.0.1", "a private address (RFC 1918) (10.0.0.1 in an IPv4-compatible IPv6 address)")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("64:ff9b::7f00:1", "a loopback address (127.0.0.1 in a NAT64 address (64:ff9b::/96))")]
    [InlineData("64:ff9b::a9fe:a9fe", "a link-local address (169.254.169.254 in a NAT64 address (64:ff9b::/96))")]
    [InlineData("64:ff9b:1::1", "a local-use NAT64 address (64:ff9b:1::/48)")]
    [InlineData("2002:7f00:1::1", "a loopback address (127.0.0.1 in a 6to4 address (2002::/16))")]
    [InlineData("2002:c0a8:101::1", "a private address (RFC 1918) (192.168.1.1 in a 6to4 address (2002::/16))")]
    [InlineData("2001:0:7f00:1::1", "a loopback address (127.0.0.1 in a Teredo address's server (2001::/32))")]
    [InlineData("2001:0:808:808::f5ff:fffe", "a private address (RFC 1918) (10.0.0.1 in a Teredo address's client (2001::/32))")]
    public void IPv6_forms_that_embed_an_internal_IPv4_address_are_refused_by_the_IPv4_rules(string address, string reason) =>
        Assert.Equal(reason, OutboundAddress.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:808:808::f7f7:f7f7")]
    public void IPv6_forms_that_embed_a_public_IPv4_address_are_allowed(string address) =>
        Assert.Null(OutboundAddress.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("2a00:1450::1")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(OutboundAddress.Refusal(IPAddress.Parse(address)));
}
