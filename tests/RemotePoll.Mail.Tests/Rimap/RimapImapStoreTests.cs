using System.Globalization;
using System.Text.Json;
using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Mirroring into a local IMAP server (<see cref="ImapMailboxStore"/>, local Dovecot with '.' as delimiter) from a
/// remote Dovecot with '/' as delimiter, whose folder names may hold '.'.
/// </summary>
[Integration]
public sealed class RimapImapStoreTests(SlashDovecotFixture remote, DovecotFixture local)
    : IClassFixture<SlashDovecotFixture>, IClassFixture<DovecotFixture>
{
    private DovecotServer Remote => remote.Server;
    private DovecotServer LocalServer => local.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ImapMailboxStore Store() => new(LocalServer.Host, LocalServer.ImapPort,
        new ImapStoreOptions { MasterUser = LocalServer.MasterUser, MasterPassword = LocalServer.MasterPassword });

    private async Task<(string LocalUser, string Account)> LocalAccountAsync()
    {
        var user = NewUser();
        await LocalServer.AddUserAsync(user, NewPassword(), Ct);
        return (user, $"{user}@local.example");
    }

    /// <summary>Flags (without \Recent, which the local server sets itself), received date and subject, by UID.</summary>
    private async Task<List<(string Flags, long Received, string Subject)>> LocalFetchAsync(string user, string folder)
    {
        var json = await LocalServer.DoveadmAsync(Ct, "-f", "json", "fetch", "-u", user, "uid flags date.received.unixtime hdr.subject", "mailbox", folder, "all");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .OrderBy(e => long.Parse(e.GetProperty("uid").GetString()!, CultureInfo.InvariantCulture))
            .Select(e => (e.GetProperty("flags").GetString()!.Replace("\\Recent", "").Trim(), long.Parse(e.GetProperty("date.received.unixtime").GetString()!, CultureInfo.InvariantCulture),
                e.GetProperty("hdr.subject").GetString()!.Trim()))
            .ToList();
    }

    [Fact]
    public async Task Folders_flags_and_dates_are_mirrored_into_a_local_IMAP_server_and_a_new_UIDVALIDITY_leaves_no_duplicates()
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        var date = new DateTimeOffset(2022, 6, 7, 8, 9, 10, TimeSpan.Zero);
        await AppendRemoteAsync(Remote, user, password, "Work",
            (Message("flagged"), MessageFlags.Flagged | MessageFlags.Seen, date),
            (Message("plain"), MessageFlags.None, date.AddHours(1)));
        await Remote.InjectAsync(user, Message("inbox"), cancellationToken: Ct);
        var (localUser, account) = await LocalAccountAsync();
        var store = Store();
        var commits = new CommitLog();
        var request = Request(Remote, user, password) with { Account = account };

        var first = await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Equal(3, first.Messages);
        var work = await LocalFetchAsync(localUser, "Remote.Work");
        Assert.Equal([("\\Flagged \\Seen", date.ToUnixTimeSeconds(), "flagged"), ("", date.AddHours(1).ToUnixTimeSeconds(), "plain")], work);
        Assert.Equal(["inbox"], (await LocalFetchAsync(localUser, "Remote.INBOX")).Select(m => m.Subject));

        await Remote.DeleteFolderAsync(user, "Work", Ct);
        await AppendRemoteAsync(Remote, user, password, "Work", (Message("reborn"), MessageFlags.None, date));
        var second = await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Contains(second.Folders.Single(f => f.RemoteName == "Work").Notes, n => n.StartsWith("UIDVALIDITY changed", StringComparison.Ordinal));
        Assert.Equal(["reborn"], (await LocalFetchAsync(localUser, "Remote.Work")).Select(m => m.Subject));
        Assert.Equal(["inbox"], (await LocalFetchAsync(localUser, "Remote.INBOX")).Select(m => m.Subject));
    }

    [Fact]
    public async Task A_name_the_local_store_cannot_hold_is_mapped_reversibly_and_reported()
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        // '.' is the local server's delimiter: "v1.2" cannot be one level there.
        await AppendRemoteAsync(Remote, user, password, "v1.2", (Message("dotted"), MessageFlags.None, DateTimeOffset.UtcNow));
        var (localUser, account) = await LocalAccountAsync();

        var result = await RimapMirror.RunAsync(Request(Remote, user, password) with { Account = account, ListFilter = "v*" }, Store(),
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        var folder = result.Folders.Single();
        Assert.Equal("v1.2", folder.RemoteName);
        Assert.Equal(Local("Remote/v1%2E2"), folder.LocalFolder);
        Assert.Contains(folder.Notes, n => n.StartsWith("name mapped", StringComparison.Ordinal) && n.Contains("Remote/v1%2E2", StringComparison.Ordinal));
        Assert.Equal("v1.2", RimapFolderNames.Unescape(folder.LocalFolder!.Segments[^1]));
        Assert.Equal(["dotted"], (await LocalFetchAsync(localUser, "Remote.v1%2E2")).Select(m => m.Subject));
    }

    [Fact]
    public async Task The_same_name_is_kept_as_it_is_by_a_Maildir_store_that_can_hold_it()
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        await AppendRemoteAsync(Remote, user, password, "v1.2", (Message("dotted"), MessageFlags.None, DateTimeOffset.UtcNow));
        using var maildir = new TempStore();

        var result = await RimapMirror.RunAsync(Request(Remote, user, password) with { ListFilter = "v*" }, maildir.Store,
            new Dictionary<string, RimapFolderState>(), (_, _) => Task.CompletedTask, null, Ct);

        var folder = result.Folders.Single();
        Assert.Equal(MailboxPath.FromSegments(["Remote", "v1.2"]), folder.LocalFolder);
        Assert.Empty(folder.Notes);
        Assert.Equal(["dotted"], LocalSubjects(maildir.Store, folder.LocalFolder!));
    }

    [Fact]
    public async Task A_record_name_the_local_store_cannot_hold_is_Refused_before_anything_is_copied()
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        await Remote.InjectAsync(user, Message("waiting"), cancellationToken: Ct);
        var (_, account) = await LocalAccountAsync();
        var commits = new CommitLog();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(
            Request(Remote, user, password, record: "mail.provider") with { Account = account }, Store(), commits.Known, commits.CommitAsync, null, Ct));

        Assert.Equal(RemotePoll.Core.Polling.PollErrorKind.Refused, error.Kind);
        Assert.Contains("mail.provider", error.Message);
        Assert.Empty(commits.Commits);
    }
}
