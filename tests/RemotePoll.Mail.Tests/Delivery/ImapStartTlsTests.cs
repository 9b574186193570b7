using System.Security.Authentication;
using System.Text;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// The IMAP store's own STARTTLS step against greetings no test server gives on demand (RFC 3501 7.1.4 PREAUTH): the
/// server's side is a stream holding its bytes, and what the store writes is kept to be checked.
/// </summary>
public sealed class ImapStartTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Stream> NegotiateAsync(MemoryStream wire, bool required) =>
        ImapStartTls.NegotiateAsync(wire, required, (_, _) => throw new InvalidOperationException("no handshake expected"), Ct);

    [Fact]
    public async Task A_PREAUTH_greeting_fails_a_required_STARTTLS_before_anything_is_sent()
    {
        using var wire = new MemoryStream(Encoding.ASCII.GetBytes("* PREAUTH IMAP4rev1 server logged in as john\r\n"));

        var e = await Assert.ThrowsAsync<AuthenticationException>(() => NegotiateAsync(wire, required: true));

        Assert.Contains("PREAUTH", e.Message);
        Assert.Equal(wire.Length, wire.Position); // only the greeting was read, and nothing written after it
    }

    [Fact]
    public async Task A_PREAUTH_greeting_without_required_STARTTLS_is_handed_on_as_it_came()
    {
        const string greeting = "* PREAUTH IMAP4rev1 server logged in as john\r\n";
        using var wire = new MemoryStream(Encoding.ASCII.GetBytes(greeting));

        await using var stream = await NegotiateAsync(wire, required: false);

        var replayed = new byte[greeting.Length];
        await stream.ReadExactlyAsync(replayed, Ct);
        Assert.Equal(greeting, Encoding.ASCII.GetString(replayed));
    }
}
