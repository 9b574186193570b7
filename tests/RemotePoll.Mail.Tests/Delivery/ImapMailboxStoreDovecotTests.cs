using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>IMAP APPEND into a real Dovecot as its master user; doveadm says what was stored.</summary>
[Integration]
public sealed class ImapMailboxStoreDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImapMailboxStore Store(string? password = null) => new(Server.Host, Server.ImapPort,
        new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = password ?? Server.MasterPassword });

    private async Task<(string User, string Account)> NewAccountAsync()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw", Ct);
        return (user, $"{user}@example.com");
    }

    private static byte[] Message(string subject) =>
        Encoding.UTF8.GetBytes($"From: bob@remote.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@remote.example>\r\n\r\nBody of {subject}.\r\n");

    /// <summary>uid, flags, received date (unix seconds) and subject of each message in the folder.</summary>
    private async Task<List<(string Flags, long Received, string Subject)>> FetchAsync(string user, string folder)
    {
        var json = await Server.DoveadmAsync(Ct, "-f", "json", "fetch", "-u", user, "uid flags date.received.unixtime hdr.subject", "mailbox", folder, "all");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .OrderBy(e => long.Parse(e.GetProperty("uid").GetString()!, CultureInfo.InvariantCulture))
            .Select(e => (e.GetProperty("flags").GetString()!, long.Parse(e.GetProperty("date.received.unixtime").GetString()!, CultureInfo.InvariantCulture), e.GetProperty("hdr.subject").GetString()!.Trim()))
            .ToList();
    }

    [Fact]
    public async Task Ensure_folder_creates_the_missing_levels_with_the_servers_delimiter_and_reports_existence()
    {
        var (user, account) = await NewAccountAsync();
        var store = Store();
        var folder = MailboxPath.Parse("Remote/Work/2024");

        Assert.False(await store.FolderExistsAsync(account, folder, Ct));
        Assert.False(await store.EnsureFolderAsync(account, folder, Ct));
        Assert.True(await store.EnsureFolderAsync(account, folder, Ct));
        Assert.True(await store.EnsureFolderAsync(account, MailboxPath.Parse("Remote"), Ct));
        Assert.True(await store.EnsureFolderAsync(account, MailboxPath.Inbox, Ct));

        var dovecot = await Server.ListFoldersAsync(user, Ct);
        Assert.Contains("Remote.Work.2024", dovecot);
        Assert.Contains("Remote.Work", dovecot);
        Assert.Equal(["INBOX", "Remote", "Remote/Work", "Remote/Work/2024"], (await store.ListFoldersAsync(account, Ct)).Select(p => p.ToString()));
    }

    [Fact]
    public async Task A_batch_is_appended_with_its_flags_and_internal_dates()
    {
        var (user, account) = await NewAccountAsync();
        var store = Store();
        var folder = MailboxPath.Parse("Mirror/INBOX");
        await store.EnsureFolderAsync(account, folder, Ct);
        var date1 = new DateTimeOffset(2019, 7, 1, 10, 20, 30, TimeSpan.FromHours(-4));
        var date2 = new DateTimeOffset(2021, 12, 24, 23, 59, 58, TimeSpan.Zero);

        var outcomes = await store.AppendBatchAsync(account, folder,
        [
            new MessageToStore(Message("seen"), MessageFlags.Seen | MessageFlags.Flagged, date1),
            new MessageToStore(Message("answered"), MessageFlags.Answered | MessageFlags.Recent, date2, ["$Forwarded"]),
            new MessageToStore(Message("unread")),
        ], Ct);

        Assert.All(outcomes, o => Assert.True(o.IsDelivered, o.ToString()));
        var stored = await FetchAsync(user, "Mirror.INBOX");
        Assert.Equal(["seen", "answered", "unread"], stored.Select(m => m.Subject));
        Assert.Equal(["\\Flagged", "\\Seen"], stored[0].Flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order());
        Assert.Equal(["$Forwarded", "\\Answered"], stored[1].Flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order());
        Assert.DoesNotContain("\\Seen", stored[2].Flags);
        Assert.Equal(date1.ToUnixTimeSeconds(), stored[0].Received);
        Assert.Equal(date2.ToUnixTimeSeconds(), stored[1].Received);
        Assert.InRange(stored[2].Received, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Appending_to_a_missing_folder_fails_temporarily_and_stores_nothing()
    {
        var (user, account) = await NewAccountAsync();

        var outcomes = await Store().AppendBatchAsync(account, MailboxPath.Parse("Gone"), [new MessageToStore(Message("x"))], Ct);

        Assert.Equal(DeliveryStatus.TemporaryFailure, Assert.Single(outcomes).Status);
        Assert.Contains("does not exist", outcomes[0].Reason);
        Assert.DoesNotContain("Gone", await Server.ListFoldersAsync(user, Ct));
    }

    [Fact]
    public async Task Inbox_appends_need_no_folder_creation()
    {
        var (user, account) = await NewAccountAsync();

        var outcomes = await Store().AppendBatchAsync(account, MailboxPath.Inbox, [new MessageToStore(Message("direct"), MessageFlags.Seen)], Ct);

        Assert.True(outcomes.Single().IsDelivered);
        Assert.Equal("direct", (await FetchAsync(user, "INBOX")).Single().Subject);
    }

    [Fact]
    public async Task A_name_holding_the_servers_delimiter_is_refused_with_the_reason()
    {
        var (_, account) = await NewAccountAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store().EnsureFolderAsync(account, MailboxPath.FromSegments(["v1.2"]), Ct));

        Assert.Contains("holds '.', the IMAP server's hierarchy delimiter", e.Message);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_batch_temporarily()
    {
        var (_, account) = await NewAccountAsync();
        var nobody = new ImapMailboxStore(Server.Host, Server.Pop3Port, new ImapStoreOptions
        {
            MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword, CommandTimeout = TimeSpan.FromSeconds(5),
        });

        var outcomes = await nobody.AppendBatchAsync(account, MailboxPath.Inbox, [new MessageToStore(Message("x"))], Ct);

        Assert.Equal(DeliveryStatus.TemporaryFailure, Assert.Single(outcomes).Status);
        Assert.StartsWith("4.4.1", outcomes[0].Reason);
    }
}
