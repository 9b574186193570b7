using System.Net;
using System.Net.Sockets;
using RemotePoll.Mail.Delivery;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

public sealed class DeliveryTargetTests
{
    [Theory]
    [InlineData("maildir", DeliveryTargetKind.Maildir, null, null, null)]
    [InlineData(" MailDir ", DeliveryTargetKind.Maildir, null, null, null)]
    [InlineData("lmtp://127.0.0.1:2424", DeliveryTargetKind.Lmtp, "127.0.0.1", 2424, null)]
    [InlineData("LMTP://Mail.Example.COM", DeliveryTargetKind.Lmtp, "mail.example.com", 24, null)]
    [InlineData("lmtp://[::1]:24/", DeliveryTargetKind.Lmtp, "::1", 24, null)]
    [InlineData("lmtp:/var/run/dovecot/lmtp", DeliveryTargetKind.Lmtp, null, null, "/var/run/dovecot/lmtp")]
    [InlineData("smtp://localhost:2525", DeliveryTargetKind.Smtp, "localhost", 2525, null)]
    [InlineData("smtp://localhost", DeliveryTargetKind.Smtp, "localhost", 25, null)]
    public void Queue_targets_parse_to_kind_host_port_and_socket(string text, DeliveryTargetKind kind, string? host, int? port, string? socket)
    {
        var target = DeliveryTarget.ParseQueue("queue", text);

        Assert.Equal(kind, target.Kind);
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(socket, target.SocketPath);
    }

    [Fact]
    public void Store_targets_are_maildir_or_imap_with_143_by_default()
    {
        Assert.Equal(DeliveryTarget.Maildir, DeliveryTarget.ParseStore("store", "maildir"));
        var imap = DeliveryTarget.ParseStore("store", "imap://127.0.0.1");
        Assert.Equal((DeliveryTargetKind.Imap, "127.0.0.1", 143), (imap.Kind, imap.Host, imap.Port));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 143), imap.EndPoint);
        Assert.Equal("imap://127.0.0.1:143", imap.ToString());
    }

    [Fact]
    public void Endpoints_are_ip_dns_or_unix_socket()
    {
        Assert.IsType<DnsEndPoint>(DeliveryTarget.ParseQueue("queue", "lmtp://mail.example.com:24").EndPoint);
        Assert.Equal("/run/lmtp", Assert.IsType<UnixDomainSocketEndPoint>(DeliveryTarget.ParseQueue("queue", "lmtp:/run/lmtp").EndPoint).ToString());
        Assert.Null(DeliveryTarget.Maildir.EndPoint);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("  ", "is empty")]
    [InlineData("postfix", "is neither 'maildir' nor a URL")]
    [InlineData("http://x:80", "the scheme 'http' is not supported")]
    [InlineData("imap://127.0.0.1:143", "imap is a mailbox store")]
    [InlineData("lmtp:relative/socket", "is not absolute")]
    [InlineData("lmtp:", "has no socket path")]
    [InlineData("lmtp:///run/lmtp", "for a Unix socket write lmtp:/path")]
    [InlineData("lmtp://host:0", "port '0' is not a number from 1 to 65535")]
    [InlineData("lmtp://host:99999", "is not a number from 1 to 65535")]
    [InlineData("lmtp://ho st:24", "has the character ' '")]
    [InlineData("smtp:/run/smtp", "smtp needs //HOST:PORT")]
    [InlineData("smtp://user@host:25", "without user, path or query")]
    [InlineData("smtp://host:25/path", "without user, path or query")]
    [InlineData("maildir:/var/mail", "maildir takes no location")]
    public void Bad_queue_targets_name_the_option_the_value_and_the_reason(string? text, string reason)
    {
        var e = Assert.Throws<DeliveryTargetException>(() => DeliveryTarget.ParseQueue("queue-target", text));

        Assert.StartsWith($"queue-target = '{text}': ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains("expected maildir, lmtp://HOST:PORT, lmtp:/path or smtp://HOST:PORT", e.Message);
        Assert.Equal("queue-target", e.OptionName);
    }

    [Theory]
    [InlineData("lmtp://127.0.0.1:24", "lmtp is a queue, not a mailbox store")]
    [InlineData("smtp://127.0.0.1:25", "smtp is a queue, not a mailbox store")]
    [InlineData("imap:/run/imap", "imap needs //HOST:PORT")]
    public void Bad_store_targets_say_what_a_store_may_be(string text, string reason)
    {
        var e = Assert.Throws<DeliveryTargetException>(() => DeliveryTarget.ParseStore("mailbox-store", text));

        Assert.Contains(reason, e.Message);
        Assert.EndsWith("expected maildir or imap://HOST:PORT", e.Message);
    }

    [Fact]
    public void A_socket_path_too_long_for_a_unix_address_is_refused()
    {
        var e = Assert.Throws<DeliveryTargetException>(() => DeliveryTarget.ParseQueue("queue", "lmtp:/" + new string('s', 120)));

        Assert.Contains("more than a Unix socket address holds", e.Message);
    }

    [Fact]
    public void Each_target_creates_its_delivery()
    {
        Assert.IsType<MaildirStore>(DeliveryTarget.ParseQueue("queue", "maildir").CreateQueue("/tmp/rpoll-unused"));
        Assert.IsType<LmtpQueueDelivery>(DeliveryTarget.ParseQueue("queue", "lmtp:/run/lmtp").CreateQueue("/tmp/rpoll-unused"));
        Assert.IsType<SmtpQueueDelivery>(DeliveryTarget.ParseQueue("queue", "smtp://127.0.0.1").CreateQueue("/tmp/rpoll-unused"));
        Assert.IsType<MaildirStore>(DeliveryTarget.ParseStore("store", "maildir").CreateStore("/tmp/rpoll-unused"));
        var imap = DeliveryTarget.ParseStore("store", "imap://127.0.0.1");
        Assert.IsType<ImapMailboxStore>(imap.CreateStore("/tmp/rpoll-unused", new ImapStoreOptions { MasterUser = "m", MasterPassword = "p" }));
        Assert.Contains("needs a master user", Assert.Throws<InvalidOperationException>(() => imap.CreateStore("/tmp/rpoll-unused")).Message);
    }

    [Fact]
    public void An_smtp_target_is_bounded_by_the_delivery_sessions_setting_like_lmtp()
    {
        var smtp = DeliveryTarget.ParseQueue("queue", "smtp://127.0.0.1:2525");

        Assert.Equal(7, Assert.IsType<SmtpQueueDelivery>(smtp.CreateQueue("/tmp/rpoll-unused", sessions: 7)).MaxSessions);
        Assert.Equal(LmtpQueueDelivery.DefaultMaxSessions, Assert.IsType<SmtpQueueDelivery>(smtp.CreateQueue("/tmp/rpoll-unused")).MaxSessions);
    }
}
