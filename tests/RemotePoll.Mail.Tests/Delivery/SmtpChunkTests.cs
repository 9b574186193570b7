using System.Text;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>What a BDAT chunk carries: the message with CRLF line ends and its last line ended, never dot-stuffed.</summary>
public sealed class SmtpChunkTests
{
    private static string Chunk(string message) =>
        Encoding.ASCII.GetString(LmtpClient.CanonicalLineEnds(Encoding.ASCII.GetBytes(message)).Span);

    [Theory]
    [InlineData("A: b\r\n\r\nbody\r\n", "A: b\r\n\r\nbody\r\n")]
    [InlineData("A: b\n\nbody\n", "A: b\r\n\r\nbody\r\n")]
    [InlineData("A: b\r\rbody\r", "A: b\r\n\r\nbody\r\n")]
    [InlineData("A: b\r\n\nbody", "A: b\r\n\r\nbody\r\n")]
    [InlineData("\n.dot\r\n", "\r\n.dot\r\n")]
    [InlineData("", "")]
    public void Line_ends_become_crlf_and_dots_stay_single(string message, string expected) =>
        Assert.Equal(expected, Chunk(message));

    [Fact]
    public void A_message_already_in_canonical_form_is_sent_without_a_copy()
    {
        var bytes = new ReadOnlyMemory<byte>(Encoding.ASCII.GetBytes("A: b\r\n\r\n.body\r\n"));

        Assert.True(LmtpClient.CanonicalLineEnds(bytes).Equals(bytes));
    }
}
