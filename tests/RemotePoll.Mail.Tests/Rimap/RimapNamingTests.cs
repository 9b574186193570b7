using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>The LIST pattern, the remote-to-local folder names and the request's defaults, without a server.</summary>
public sealed class RimapNamingTests
{
    [Theory]
    [InlineData("*", "A/B/C", '/', true)]
    [InlineData("%", "A", '/', true)]
    [InlineData("%", "A/B", '/', false)]
    [InlineData("A/%", "A/B", '/', true)]
    [InlineData("A/%", "A/B/C", '/', false)]
    [InlineData("A/*", "A", '/', false)]
    [InlineData("A*", "A", '/', true)]
    [InlineData("*B", "A/B", '/', true)]
    [InlineData("%B", "A/B", '/', false)]
    [InlineData("%.%", "A.B", '.', true)]
    [InlineData("%/%", "A.B", '.', false)]
    [InlineData("work", "Work", '/', false)]
    [InlineData("inbox", "INBOX", '/', true)]
    [InlineData("Inbox/%", "INBOX/Sent", '/', true)]
    [InlineData("%", "A/B", '\0', true)]
    [InlineData("Rés%", "Résumés", '/', true)]
    [InlineData("", "A", '/', false)]
    public void The_filter_matches_as_an_IMAP_LIST_pattern(string pattern, string name, char delimiter, bool matches) =>
        Assert.Equal(matches, ImapListPattern.Matches(pattern, name, delimiter));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_filter_means_every_folder(string? filter) => Assert.Equal("*", ImapListPattern.Of(filter));

    [Fact]
    public void Remote_levels_become_local_segments_whatever_the_delimiter()
    {
        var root = MailboxPath.Parse("Remote");
        Assert.Equal(MailboxPath.Parse("Remote/A/B"), RimapFolderNames.Natural(root, "A/B", '/'));
        Assert.Equal(MailboxPath.Parse("Remote/A/B"), RimapFolderNames.Natural(root, "A.B", '.'));
        Assert.Equal(MailboxPath.FromSegments(["Remote", "A.B"]), RimapFolderNames.Natural(root, "A.B", '/'));
        Assert.Equal(MailboxPath.FromSegments(["Remote", "A/B"]), RimapFolderNames.Natural(root, "A/B", '\0'));
        Assert.Null(RimapFolderNames.Natural(root, "A//B", '/'));
        Assert.Null(RimapFolderNames.Natural(root, "A\tB", '/'));
    }

    [Theory]
    [InlineData("v1.2", "v1%2E2")]
    [InlineData("100%", "100%25")]
    [InlineData("a/b\\c", "a%2Fb%5Cc")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("", "%")]
    [InlineData("Entwürfe", "Entwürfe")]
    [InlineData("plain", "plain")]
    public void A_mapped_level_is_escaped_and_reversible(string level, string escaped)
    {
        Assert.Equal(escaped, RimapFolderNames.Escape(level));
        Assert.Equal(level, RimapFolderNames.Unescape(escaped));
    }

    [Fact]
    public void A_mapped_remote_name_keeps_its_levels()
    {
        var mapped = RimapFolderNames.Mapped(MailboxPath.Parse("Remote"), "A//v1.2", '/');
        Assert.Equal(["Remote", "A", "%", "v1%2E2"], mapped.Segments);
    }

    [Theory]
    [InlineData(ConnectionSecurity.None, null, 143)]
    [InlineData(ConnectionSecurity.StartTls, null, 143)]
    [InlineData(ConnectionSecurity.SslTls, null, 993)]
    [InlineData(ConnectionSecurity.SslTls, 1993, 1993)]
    [InlineData(ConnectionSecurity.None, 1143, 1143)]
    public void The_port_follows_the_connection_security_unless_the_host_names_one(ConnectionSecurity security, int? port, int expected)
    {
        var request = new RimapMirrorRequest
        {
            Account = "a@b.example", RecordName = "R", Host = new HostAndPort("imap.example.net", port),
            User = "u", Password = "p", Security = security,
        };
        Assert.Equal(expected, request.Port);
    }

    [Fact]
    public void The_request_text_never_shows_the_password()
    {
        var request = new RimapMirrorRequest
        {
            Account = "a@b.example", RecordName = "R", Host = HostAndPort.Parse("imap.example.net"), User = "u", Password = "Hidden-Secret-9",
        };
        Assert.DoesNotContain("Hidden-Secret-9", request.ToString());
        Assert.DoesNotContain("Hidden-Secret-9", $"{request with { User = "v" }}");
    }
}
