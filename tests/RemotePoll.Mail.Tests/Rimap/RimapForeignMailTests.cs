using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 16.1: a RIMAP refill removes only the copies the mirror made. Both scenarios of the issue, into a local
/// Maildir and into a local IMAP server (Dovecot, '.' delimiter), from a remote Dovecot with '/'.
/// </summary>
[Integration]
public sealed class RimapForeignMailTests(SlashDovecotFixture remote, DovecotFixture local)
    : IClassFixture<SlashDovecotFixture>, IClassFixture<DovecotFixture>
{
    private DovecotServer Remote => remote.Server;
    private DovecotServer LocalServer => local.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A local store and a way to read the subjects of one of its folders.</summary>
    private sealed record LocalSide(IMailboxStore Store, string Account, Func<MailboxPath, Task<IReadOnlyList<string>>> SubjectsAsync) : IDisposable
    {
        public IDisposable? Owned { get; init; }

        public void Dispose() => Owned?.Dispose();
    }

    private async Task<LocalSide> LocalSideAsync(bool imap)
    {
        if (!imap)
        {
            var maildir = new TempStore();
            return new LocalSide(maildir.Store, Account,
                f => Task.FromResult<IReadOnlyList<string>>(LocalSubjects(maildir.Store, f).Order(StringComparer.Ordinal).ToList())) { Owned = maildir };
        }
        var user = NewUser();
        await LocalServer.AddUserAsync(user, NewPassword(), Ct);
        var store = new ImapMailboxStore(LocalServer.Host, LocalServer.ImapPort,
            new ImapStoreOptions { MasterUser = LocalServer.MasterUser, MasterPassword = LocalServer.MasterPassword });
        return new LocalSide(store, $"{user}@local.example", async f =>
            (await LocalServer.ListAsync(user, f.IsInbox ? "INBOX" : f.ToString('.'), Ct)).Select(m => m.Subject).Order(StringComparer.Ordinal).ToList());
    }

    private static MessageToStore[] Plain(params string[] subjects) => subjects.Select(s => new MessageToStore(Message(s))).ToArray();

    // What an RPOP record with a Mailbox hands to the store: its delivery stamp first.
    private static MessageToStore[] RpopDelivered(params string[] subjects) =>
        subjects.Select(s => new MessageToStore(DeliveryStamp.Stamp(Message(s), DeliveryStamp.NewId()))).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_record_named_after_a_folder_holding_the_users_mail_is_refused_and_the_mail_stays(bool imap)
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        await Remote.InjectManyAsync(user, [Message("remote-work")], "Work", Ct);
        using var side = await LocalSideAsync(imap);
        var filed = Local("Archive/Work");
        await side.Store.EnsureFolderAsync(side.Account, filed, Ct);
        await side.Store.AppendBatchAsync(side.Account, filed, Plain("filed-1", "filed-2"), Ct);
        var commits = new CommitLog();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(
            Request(Remote, user, password, record: "Archive") with { Account = side.Account }, side.Store, commits.Known, commits.CommitAsync, null, Ct));

        Assert.Equal(PollErrorKind.Refused, error.Kind);
        Assert.Contains("'Archive'", error.Message);
        Assert.Contains("2 messages RemotePoll did not copy", error.Message);
        Assert.Contains("'Archive/Work'", error.Message);
        Assert.Empty(commits.Commits);
        Assert.Equal(["filed-1", "filed-2"], await side.SubjectsAsync(filed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mail_another_record_delivered_into_the_mirror_survives_every_kind_of_refill(bool imap)
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        await Remote.InjectManyAsync(user, [Message("in-1"), Message("in-2")], cancellationToken: Ct);
        await Remote.InjectManyAsync(user, [Message("work-1")], "Work", Ct);
        using var side = await LocalSideAsync(imap);
        var commits = new CommitLog();
        var request = Request(Remote, user, password, record: "rec") with { Account = side.Account };
        var inbox = Local("rec/INBOX");
        await RimapMirror.RunAsync(request, side.Store, commits.Known, commits.CommitAsync, null, Ct);

        // An RPOP record with --mailbox rec/INBOX (made before the rule that refuses it) delivered 3 messages there.
        await side.Store.AppendBatchAsync(side.Account, inbox, RpopDelivered("rpop-1", "rpop-2", "rpop-3"), Ct);
        Assert.Equal(["in-1", "in-2", "rpop-1", "rpop-2", "rpop-3"], await side.SubjectsAsync(inbox));

        // A changed UIDVALIDITY: the folder is refilled.
        var state = commits["INBOX"]!;
        await commits.CommitAsync(new RimapFolderProgress(state with { UidValidity = state.UidValidity + 1 }, inbox, 0, 0), Ct);
        var refilled = await RimapMirror.RunAsync(request, side.Store, commits.Known, commits.CommitAsync, null, Ct);

        var folder = refilled.Folders.Single(f => f.RemoteName == "INBOX");
        Assert.Contains(folder.Notes, n => n.StartsWith("UIDVALIDITY changed", StringComparison.Ordinal));
        Assert.Contains("3 local messages RemotePoll did not copy left in place", folder.Notes);
        Assert.Equal(["in-1", "in-2", "rpop-1", "rpop-2", "rpop-3"], await side.SubjectsAsync(inbox));

        // The folder's state lost: refilled again, the same.
        commits.Forget("INBOX");
        var again = await RimapMirror.RunAsync(request, side.Store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Equal(2, again.Messages);
        Assert.Equal(["in-1", "in-2", "rpop-1", "rpop-2", "rpop-3"], await side.SubjectsAsync(inbox));
        Assert.Equal(["work-1"], await side.SubjectsAsync(Local("rec/Work")));
    }

    [Fact]
    public async Task A_first_poll_over_an_earlier_mirrors_own_copies_replaces_them_without_duplicates()
    {
        var (user, password) = await NewRemoteAccountAsync(Remote, Ct);
        await Remote.InjectManyAsync(user, [Message("in-1")], cancellationToken: Ct);
        using var side = await LocalSideAsync(imap: false);
        var request = Request(Remote, user, password, record: "rec") with { Account = side.Account };
        await RimapMirror.RunAsync(request, side.Store, new CommitLog().Known, (_, _) => Task.CompletedTask, null, Ct);

        // The record was removed (its state with it) and created again: the tree holds only the mirror's copies.
        var again = await RimapMirror.RunAsync(request, side.Store, new CommitLog().Known, (_, _) => Task.CompletedTask, null, Ct);

        Assert.Equal(1, again.Messages);
        Assert.Equal(["in-1"], await side.SubjectsAsync(Local("rec/INBOX")));
        Assert.StartsWith(MirrorStamp.HeaderName + ": ", Encoding.ASCII.GetString(LocalMessages((MaildirStore)side.Store, Local("rec/INBOX")).Single().Content));
    }
}
