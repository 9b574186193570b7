using System.Text;
using RemotePoll.Mail.Unified;
using Xunit;

namespace RemotePoll.Mail.Tests.Unified;

public class UnifiedEnvelopeTests
{
    private static byte[] Raw(string header) => Encoding.UTF8.GetBytes(header.ReplaceLineEndings("\r\n") + "\r\nBody\r\n");

    [Fact]
    public void Every_address_of_every_special_field_is_a_recipient_and_the_fields_and_Return_Path_are_removed()
    {
        var m = UnifiedEnvelope.Recompose(Raw("""
            Return-Path: <sender@remote.example>
            X-Real-To: alice@example.com
            From: sender@remote.example
            x-real-to: "Bob B." <bob@example.com>,
              carol@example.com
            To: alice@example.com
            X-Real-To: team: dave@example.com, Erin <erin@example.com>;
            Subject: hi

            """), "X-Real-To");

        Assert.Equal("sender@remote.example", m.Sender);
        Assert.Equal(["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com"], m.Addresses);
        Assert.Empty(m.Malformed);
        var text = Encoding.UTF8.GetString(m.Content);
        Assert.DoesNotContain("real-to", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Return-Path", text, StringComparison.Ordinal);
        Assert.StartsWith("From: sender@remote.example\r\nTo: alice@example.com\r\nSubject: hi\r\n\r\nBody", text);
    }

    [Fact]
    public void A_repeated_address_is_one_recipient()
    {
        var m = UnifiedEnvelope.Recompose(Raw("X-Real-To: alice@example.com\nX-Real-To: Alice@Example.com, alice@example.com\nSubject: s\n"), "X-Real-To");
        Assert.Equal(["alice@example.com"], m.Addresses);
    }

    [Fact]
    public void Unreadable_items_are_reported_and_the_readable_ones_kept()
    {
        var m = UnifiedEnvelope.Recompose(Raw("X-Real-To: <<broken, alice@example.com, nodomain, bob@exa mple.com\nSubject: s\n"), "X-Real-To");
        Assert.Equal(["alice@example.com"], m.Addresses);
        Assert.Equal(3, m.Malformed.Count);
    }

    [Fact]
    public void A_special_field_without_any_readable_address_is_kept_in_the_message()
    {
        var raw = Raw("Return-Path: <s@remote.example>\nX-Real-To: <<<garbage>>>\nSubject: s\n");
        var m = UnifiedEnvelope.Recompose(raw, "X-Real-To");
        Assert.Empty(m.Addresses);
        Assert.NotEmpty(m.Malformed);
        Assert.Contains("X-Real-To: <<<garbage>>>", Encoding.UTF8.GetString(m.Content));
    }

    [Fact]
    public void Star_reads_To_Cc_and_Bcc_and_keeps_the_header()
    {
        var raw = Raw("To: alice@example.com, outsider@other.example\nCc: ghost@example.com\nBcc: bob@example.com\nResent-To: no@example.com\nSubject: s\n");
        var m = UnifiedEnvelope.Recompose(raw, "*");
        Assert.Equal(["alice@example.com", "outsider@other.example", "ghost@example.com", "bob@example.com"], m.Addresses);
        Assert.Null(m.Sender);
        Assert.Equal(raw, m.Content);
    }
}
