using System.Text;
using MailKit.Net.Pop3;
using MailKit.Security;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Fixtures;

[Integration]
public sealed class TcpProxyTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxy_forwards_and_counts_concurrent_connections()
    {
        var user = "p" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "secret", Ct);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        using var a = new Pop3Client();
        using var b = new Pop3Client();
        await a.ConnectAsync(proxy.Host, proxy.Port, SecureSocketOptions.None, Ct);
        await b.ConnectAsync(proxy.Host, proxy.Port, SecureSocketOptions.None, Ct);
        await a.AuthenticateAsync(user, "secret", Ct);
        await b.AuthenticateAsync(user, "secret", Ct);
        Assert.Equal(2, proxy.ActiveConnections);
        await a.DisconnectAsync(true, Ct);
        await b.DisconnectAsync(true, Ct);
        Assert.Equal(2, proxy.PeakConnections);
        Assert.Equal(2, proxy.TotalConnections);
    }

    [Fact]
    public async Task Drop_after_server_bytes_breaks_a_retrieval_midway_and_later_connections_work()
    {
        var user = "p" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "secret", Ct);
        var body = string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", 4000));
        await Server.InjectAsync(user, Encoding.ASCII.GetBytes($"Subject: big\r\n\r\n{body}"), cancellationToken: Ct);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);

        using (var client = new Pop3Client())
        {
            await client.ConnectAsync(proxy.Host, proxy.Port, SecureSocketOptions.None, Ct);
            await client.AuthenticateAsync(user, "secret", Ct);
            var before = proxy.BytesFromServer;
            proxy.DropAfterServerBytes(100_000);
            await Assert.ThrowsAnyAsync<Exception>(() => client.GetStreamAsync(0, cancellationToken: Ct));
            Assert.Equal(before + 100_000, proxy.BytesFromServer);
        }

        using (var again = new Pop3Client())
        {
            await again.ConnectAsync(proxy.Host, proxy.Port, SecureSocketOptions.None, Ct);
            await again.AuthenticateAsync(user, "secret", Ct);
            using var stream = await again.GetStreamAsync(0, cancellationToken: Ct);
            Assert.True(stream.Length > 250_000);
            await again.DisconnectAsync(true, Ct);
        }
    }

    [Fact]
    public async Task Stall_after_server_bytes_leaves_the_client_waiting_until_its_timeout()
    {
        var user = "p" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "secret", Ct);
        await Server.InjectAsync(user, "Subject: s\r\n\r\nbody\r\n", cancellationToken: Ct);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        using var client = new Pop3Client { Timeout = 1000 };
        await client.ConnectAsync(proxy.Host, proxy.Port, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, "secret", Ct);
        proxy.StallAfterServerBytes(0);
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetStreamAsync(0, cancellationToken: Ct));
    }
}
