using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Processes;
using Xunit;

namespace RemotePoll.Mail.Tests.Delivery;

/// <summary>
/// The Maildir tree MaildirStore writes is one Dovecot reads: folder names, flags and internal dates. The store's
/// root is the Dovecot instance's directory and the accounts' domain is "mail", so that
/// <c>ROOT/mail/user/Maildir</c> is the home Dovecot gives the user.
/// </summary>
[Integration]
public sealed class MaildirDovecotTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Message(string subject) =>
        Encoding.UTF8.GetBytes($"From: bob@remote.example\r\nSubject: {subject}\r\n\r\nBody.\r\n");

    [Fact]
    public async Task Dovecot_reads_the_folders_flags_and_internal_dates_the_store_wrote()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        await Server.AddUserAsync(user, "pw", Ct);
        var account = $"{user}@mail";
        var store = new MaildirStore(Server.RootDirectory);
        var folder = MailboxPath.FromSegments(["Remote", "Entwürfe & Co"]);
        var date = new DateTimeOffset(2020, 2, 29, 12, 0, 0, TimeSpan.Zero);

        await store.EnsureFolderAsync(account, folder, Ct);
        var stored = await store.AppendBatchAsync(account, folder,
            [new MessageToStore(Message("kept"), MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged, date)], Ct);
        var delivered = await store.DeliverBatchAsync([MessageToDeliver.ForAccount(account, "bob@remote.example", Message("new"))], Ct);
        Assert.True(stored.Single().IsDelivered && delivered.Single().AllDelivered);
        // Dovecot runs as its own mail user; the store ran as root.
        await ExternalCommand.RunCheckedAsync("chown", ["-R", $"{DovecotServer.MailUserName}:", Path.Combine(Server.MailRoot, user)], cancellationToken: Ct);
        await Server.ResyncAsync(user, cancellationToken: Ct);

        Assert.Contains("Remote.Entwürfe & Co", await Server.ListFoldersAsync(user, Ct));
        var json = await Server.DoveadmAsync(Ct, "-f", "json", "fetch", "-u", user, "flags date.received.unixtime hdr.subject", "mailbox", "Remote.Entwürfe & Co", "all");
        var message = JsonDocument.Parse(json).RootElement.EnumerateArray().Single();
        Assert.Equal(["\\Answered", "\\Flagged", "\\Seen"], message.GetProperty("flags").GetString()!.Split(' ').Where(f => f != "\\Recent").Order());
        Assert.Equal(date.ToUnixTimeSeconds(), long.Parse(message.GetProperty("date.received.unixtime").GetString()!, CultureInfo.InvariantCulture));
        var inbox = (await Server.ListAsync(user, cancellationToken: Ct)).Single();
        Assert.Equal("new", inbox.Subject);
        Assert.StartsWith("Return-Path: <bob@remote.example>", inbox.Text);
    }
}
