using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using Xunit;

namespace RemotePoll.Core.Tests.Records;

public class RecordPortTests
{
    private static readonly SealedSecret Sealed = new("v1:k1:x");
    private static readonly PollPeriod Period = PollPeriod.Default;

    [Theory]
    [InlineData("pop.example.com", false, 110)]
    [InlineData("pop.example.com", true, 995)]
    [InlineData("pop.example.com:111", false, 111)]
    [InlineData("pop.example.com:9786", true, 9786)]
    public void Rpop_connects_to_110_or_995_with_TLS_unless_a_port_is_given(string host, bool tls, int port)
    {
        var r = new RpopRecord("r", Period, "u", HostAndPort.Parse(host), Sealed, Tls: tls);

        Assert.Equal(port, r.Port);
    }

    [Theory]
    [InlineData("imap.example.com", ConnectionSecurity.None, 143)]
    [InlineData("imap.example.com", ConnectionSecurity.StartTls, 143)]
    [InlineData("imap.example.com", ConnectionSecurity.SslTls, 993)]
    [InlineData("imap.example.com:1143", ConnectionSecurity.SslTls, 1143)]
    public void Rimap_connects_to_143_or_993_with_SSL_TLS_unless_a_port_is_given(string host, ConnectionSecurity security, int port)
    {
        var r = new RimapRecord("r", Period, "u", HostAndPort.Parse(host), Sealed, security);

        Assert.Equal(port, r.Port);
    }
}
