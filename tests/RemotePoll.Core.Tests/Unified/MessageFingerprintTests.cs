using System.Text;
using RemotePoll.Core.Unified;
using Xunit;

namespace RemotePoll.Core.Tests.Unified;

public class MessageFingerprintTests
{
    private static byte[] Copy(string trace, string subject = "Hello", string id = "<m1@example.org>") => Encoding.ASCII.GetBytes(
        $"Return-Path: <s@example.org>\r\n{trace}Received: from a by b; {trace.Length}\r\nMessage-ID: {id}\r\nFrom: s@example.org\r\n"
        + $"To: alice@example.com,\r\n  bob@example.com\r\nSubject: {subject}\r\nDate: Sat, 1 Mar 2025 12:00:00 +0000\r\n\r\nBody\r\n");

    [Fact]
    public void Copies_that_differ_only_in_trace_fields_have_one_fingerprint()
    {
        var a = MessageFingerprint.Of(Copy("X-Real-To: alice@example.com\r\nDelivered-To: alice@example.com\r\n"));
        var b = MessageFingerprint.Of(Copy("X-Real-To: bob@example.com\r\n"));
        Assert.NotNull(a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Another_header_or_message_id_gives_another_fingerprint()
    {
        var a = MessageFingerprint.Of(Copy(""));
        Assert.NotEqual(a, MessageFingerprint.Of(Copy("", subject: "Hello again")));
        Assert.NotEqual(a, MessageFingerprint.Of(Copy("", id: "<m2@example.org>")));
    }

    [Fact]
    public void A_message_without_Message_ID_has_no_fingerprint()
    {
        Assert.Null(MessageFingerprint.Of("From: s@example.org\r\nSubject: x\r\n\r\nBody\r\n"u8));
    }

    [Fact]
    public void The_key_is_per_recipient_without_case()
    {
        Assert.Equal(MessageFingerprint.Key("f", "Alice@Example.com"), MessageFingerprint.Key("f", "alice@example.com"));
        Assert.NotEqual(MessageFingerprint.Key("f", "alice@example.com"), MessageFingerprint.Key("f", "bob@example.com"));
    }
}
