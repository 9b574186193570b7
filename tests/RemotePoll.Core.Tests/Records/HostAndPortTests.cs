using RemotePoll.Core.Records;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class HostAndPortTests
{
    [Theory]
    [InlineData("pop.provider.com", "pop.provider.com", null)]
    [InlineData("Pop.Provider.COM:111", "pop.provider.com", 111)]
    [InlineData("  mail.example.net:995  ", "mail.example.net", 995)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("pop3_a.example.org:65535", "pop3_a.example.org", 65535)]
    [InlineData("example.com.", "example.com.", null)]
    [InlineData("192.0.2.7", "192.0.2.7", null)]
    [InlineData("192.0.2.7:1100", "192.0.2.7", 1100)]
    [InlineData("[2001:DB8::1]", "2001:db8::1", null)]
    [InlineData("[2001:db8::1]:993", "2001:db8::1", 993)]
    [InlineData("[::1]:110", "::1", 110)]
    public void Parses_a_host_with_an_optional_port(string text, string host, int? port)
    {
        var parsed = HostAndPort.TryParse(text, out var reason);

        Assert.Null(reason);
        Assert.Equal(new HostAndPort(host, port), parsed);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData(":110", "has no host name")]
    [InlineData("pop.example.com:0", "port '0' is not a number from 1 to 65535")]
    [InlineData("pop.example.com:65536", "port '65536'")]
    [InlineData("pop.example.com:abc", "port 'abc'")]
    [InlineData("pop.example.com:", "port ''")]
    [InlineData("pop.example.com:-1", "port '-1'")]
    [InlineData("pop.example.com:+110", "port '+110'")]
    [InlineData("pop.example.com:99999999999", "port '99999999999'")]
    [InlineData("[::1]:0", "port '0'")]
    [InlineData("[::1]:65536", "port '65536'")]
    [InlineData("2001:db8::1", "write it in brackets")]
    [InlineData("::1", "write it in brackets")]
    [InlineData("2001:db8::1:110", "write it in brackets")]
    [InlineData("[2001:db8::1", "without a closing ']'")]
    [InlineData("[::1]110", "not ':port'")]
    [InlineData("[192.0.2.1]", "is not an IPv6 address")]
    [InlineData("[pop.example.com]", "is not an IPv6 address")]
    [InlineData("[]", "is not an IPv6 address")]
    [InlineData("pop example.com", "has the character ' '")]
    [InlineData("pop!.example.com", "has the character '!'")]
    [InlineData("m\u00fcnchen.de", "has the character '\u00fc'")]
    [InlineData("pop.example.com\r\nUSER x", "has the character '\r'")]
    [InlineData("pop..example.com", "empty or overlong label")]
    [InlineData(".example.com", "empty or overlong label")]
    [InlineData("-pop.example.com", "starting or ending with '-'")]
    [InlineData("pop-.example.com", "starting or ending with '-'")]
    public void Refuses_a_bad_host_or_port_with_the_reason(string? text, string reason)
    {
        Assert.Null(HostAndPort.TryParse(text, out var why));
        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_of_63_characters_is_accepted_and_64_is_refused()
    {
        var ok = new string('a', 63) + ".example.com";
        var tooLong = new string('a', 64) + ".example.com";

        Assert.NotNull(HostAndPort.TryParse(ok, out _));
        Assert.Null(HostAndPort.TryParse(tooLong, out var reason));
        Assert.Contains("empty or overlong label", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_name_longer_than_253_characters_is_refused()
    {
        var labels = string.Join('.', Enumerable.Repeat(new string('a', 50), 5)); // 254 characters
        Assert.Equal(254, labels.Length);

        Assert.Null(HostAndPort.TryParse(labels, out var reason));
        Assert.Contains("longer than 253", reason, StringComparison.Ordinal);
        Assert.NotNull(HostAndPort.TryParse(labels[1..], out _));
    }

    [Theory]
    [InlineData("Pop.Example.com", "pop.example.com")]
    [InlineData("pop.example.com:1100", "pop.example.com:1100")]
    [InlineData("192.0.2.7:995", "192.0.2.7:995")]
    [InlineData("[2001:DB8::1]", "[2001:db8::1]")]
    [InlineData("[::1]:110", "[::1]:110")]
    public void ToString_is_canonical_and_parses_back_to_the_same_value(string text, string canonical)
    {
        var parsed = HostAndPort.Parse(text);

        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, HostAndPort.Parse(parsed.ToString()));
    }

    [Fact]
    public void An_IPv6_host_is_written_in_brackets()
    {
        Assert.Equal("[fe80::1]:143", new HostAndPort("fe80::1", 143).ToString());
        Assert.Equal("[fe80::1]", new HostAndPort("fe80::1", null).ToString());
    }

    [Fact]
    public void Parse_throws_a_FormatException_that_quotes_the_host_and_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => HostAndPort.Parse("pop.example.com:70000"));

        Assert.Contains("pop.example.com:70000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("65535", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PortOr_uses_the_explicit_port_else_the_default()
    {
        Assert.Equal(1100, HostAndPort.Parse("pop.example.com:1100").PortOr(110));
        Assert.Equal(110, HostAndPort.Parse("pop.example.com").PortOr(110));
    }
}
