using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 20 point 3, Sync Flags against a real Dovecot: flags set or cleared and messages expunged remotely are reflected in
/// the local Maildir copies after the next sync, with what the server offers (QRESYNC, CONDSTORE, or neither); the remote
/// side is only read.
/// </summary>
public abstract partial class RimapSyncFlagsTests
{
    protected abstract DovecotServer Server { get; }

    /// <summary>How the server lets the sync learn the changes: QRESYNC, CONDSTORE, or a full scan.</summary>
    protected abstract string How { get; }

    /// <summary>Whether only the changed messages' flags are fetched (CONDSTORE, QRESYNC), or every message's (a full scan).</summary>
    protected abstract bool FetchesOnlyChanges { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected static Task<RimapMirrorResult> PollAsync(RimapMirrorRequest request, TempStore local, CommitLog commits, RecordingImapLog? log = null) =>
        RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, log, Ct);

    [GeneratedRegex(@"(?m)^(S: )?\* \d+ FETCH ")]
    private static partial Regex FetchResponse();

    /// <summary>The untagged FETCH responses the server sent.</summary>
    private protected static int FetchResponses(RecordingImapLog log) => FetchResponse().Count(log.AllText);

    /// <summary>in-1 (\Seen), in-2 … in-5 in the remote INBOX, mirrored once.</summary>
    private protected async Task<(string User, string Password, RimapMirrorRequest Request)> MirroredAsync(TempStore local, CommitLog commits, bool syncFlags = true)
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        var date = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        await AppendRemoteAsync(Server, user, password, "INBOX",
        [
            (Message("in-1"), MessageFlags.Seen, date),
            .. Enumerable.Range(2, 4).Select(i => (Message($"in-{i}"), MessageFlags.None, date)),
        ]);
        var request = Request(Server, user, password) with { SyncFlags = syncFlags };
        var first = await PollAsync(request, local, commits);
        Assert.Equal(5, first.Messages);
        Assert.Equal(["S", "", "", "", ""], LocalMessages(local.Store, Local("Remote/INBOX")).Select(m => m.Flags));
        return (user, password, request);
    }

    /// <summary>As the remote user: \Seen off in-1, on in-2; \Flagged on in-3; in-4 expunged.</summary>
    protected async Task ChangeRemotelyAsync(string user, string password)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Server.Host, Server.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, password, Ct);
        var inbox = client.Inbox!;
        await inbox.OpenAsync(FolderAccess.ReadWrite, Ct);
        var uids = (await inbox.SearchAsync(SearchQuery.All, Ct)).OrderBy(u => u.Id).ToArray();
        await inbox.RemoveFlagsAsync(uids[0], MessageFlags.Seen, true, Ct);
        await inbox.AddFlagsAsync(uids[1], MessageFlags.Seen, true, Ct);
        await inbox.AddFlagsAsync(uids[2], MessageFlags.Flagged, true, Ct);
        await inbox.AddFlagsAsync(uids[3], MessageFlags.Deleted, true, Ct);
        await inbox.ExpungeAsync(Ct);
        await client.DisconnectAsync(true, Ct);
    }

    [Fact]
    public async Task Flags_set_and_a_message_expunged_remotely_are_reflected_after_the_next_sync()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, password, request) = await MirroredAsync(local, commits);

        await ChangeRemotelyAsync(user, password);
        var log = new RecordingImapLog();
        var result = await PollAsync(request, local, commits, log);

        var inbox = LocalMessages(local.Store, Local("Remote/INBOX"));
        Assert.Equal(["in-1", "in-2", "in-3", "in-5"], inbox.Select(m => m.Subject));
        Assert.Equal(["", "S", "F", ""], inbox.Select(m => m.Flags));
        var folder = Assert.Single(result.Folders);
        Assert.Contains($"flags synced ({How}): 3 local copies changed, 1 removed (expunged remotely)", folder.Notes);
        // Only the changes, or every message still there.
        Assert.Equal(FetchesOnlyChanges ? 3 : 4, FetchResponses(log));
        // The remote side is only read.
        Assert.DoesNotContain(log.Commands, c => Regex.IsMatch(c, @"^(UID )?(STORE|EXPUNGE|COPY|MOVE)\b|^SELECT\b", RegexOptions.IgnoreCase));
        Assert.Equal(4, await Server.CountAsync(user, cancellationToken: Ct));

        // Nothing changed since: nothing fetched with CONDSTORE or QRESYNC, nothing changed locally either way.
        var quiet = new RecordingImapLog();
        var again = await PollAsync(request, local, commits, quiet);
        Assert.Empty(Assert.Single(again.Folders).Notes);
        Assert.Equal(FetchesOnlyChanges ? 0 : 4, FetchResponses(quiet));
        Assert.Equal(inbox.Select(m => (m.Subject, m.Flags)), LocalMessages(local.Store, Local("Remote/INBOX")).Select(m => (m.Subject, m.Flags)));
    }

    [Fact]
    public async Task New_mail_and_flag_changes_in_one_sync_are_both_mirrored_and_the_modseq_is_kept()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, password, request) = await MirroredAsync(local, commits);

        await ChangeRemotelyAsync(user, password);
        await Server.InjectAsync(user, Message("in-6"), cancellationToken: Ct);
        var result = await PollAsync(request, local, commits);

        Assert.Equal(1, result.Messages);
        var inbox = LocalMessages(local.Store, Local("Remote/INBOX"));
        Assert.Equal(["in-1", "in-2", "in-3", "in-5", "in-6"], inbox.Select(m => m.Subject));
        Assert.Equal(["", "S", "F", "", ""], inbox.Select(m => m.Flags));
        Assert.Equal(FetchesOnlyChanges, commits["INBOX"]!.HighestModSeq > 0);
    }
}

[Integration]
public sealed class RimapSyncFlagsQResyncTests(DovecotFixture fixture) : RimapSyncFlagsTests, IClassFixture<DovecotFixture>
{
    protected override DovecotServer Server => fixture.Server;
    protected override string How => "QRESYNC";
    protected override bool FetchesOnlyChanges => true;

    [Fact]
    public async Task The_changes_are_learnt_with_EXAMINE_QRESYNC()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, password, request) = await MirroredAsync(local, commits);
        var state = commits["INBOX"]!;
        Assert.True(state.HighestModSeq > 0);

        await ChangeRemotelyAsync(user, password);
        var log = new RecordingImapLog();
        await PollAsync(request, local, commits, log);

        Assert.Contains(log.Commands, c => c.StartsWith($"EXAMINE INBOX (QRESYNC ({state.UidValidity} {state.HighestModSeq} 1:{state.HighestUid}))", StringComparison.Ordinal));
        Assert.Contains("VANISHED (EARLIER)", log.AllText);
        Assert.DoesNotContain(log.Commands, c => c.Contains("CHANGEDSINCE", StringComparison.Ordinal) || c.StartsWith("UID SEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_sync_flags_nothing_local_is_changed_or_removed()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, password, request) = await MirroredAsync(local, commits, syncFlags: false);
        var before = LocalMessages(local.Store, Local("Remote/INBOX"));

        await ChangeRemotelyAsync(user, password);
        var log = new RecordingImapLog();
        await PollAsync(request, local, commits, log);

        var after = LocalMessages(local.Store, Local("Remote/INBOX"));
        Assert.Equal(["in-1", "in-2", "in-3", "in-4", "in-5"], after.Select(m => m.Subject));
        Assert.Equal(before.Select(m => (m.Subject, m.Flags)), after.Select(m => (m.Subject, m.Flags)));
        Assert.Equal(0ul, commits["INBOX"]!.HighestModSeq);
        Assert.DoesNotContain("QRESYNC", log.SentText);
    }

    [Fact]
    public async Task A_changed_UIDVALIDITY_still_refills_the_folder_and_removes_nothing_by_the_old_UIDs()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, _, request) = await MirroredAsync(local, commits);
        var state = commits["INBOX"]!;
        // A saved state from another UIDVALIDITY: its UIDs say nothing about this folder's messages.
        commits.Forget("INBOX");
        await commits.CommitAsync(new RimapFolderProgress(state with { UidValidity = state.UidValidity - 1 }, Local("Remote/INBOX"), 0, 0), Ct);

        var result = await PollAsync(request, local, commits);

        Assert.Contains(Assert.Single(result.Folders).Notes, n => n.StartsWith("UIDVALIDITY changed", StringComparison.Ordinal));
        Assert.Equal(["in-1", "in-2", "in-3", "in-4", "in-5"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.Equal(5, await Server.CountAsync(user, cancellationToken: Ct));
    }
    [Fact]
    public async Task Into_the_local_IMAP_store_flags_follow_with_UID_STORE_and_an_expunged_message_is_expunged_locally()
    {
        var localUser = NewUser();
        await Server.AddUserAsync(localUser, NewPassword(), Ct);
        await using var store = new ImapMailboxStore(Server.Host, Server.ImapPort,
            new ImapStoreOptions { MasterUser = Server.MasterUser, MasterPassword = Server.MasterPassword });
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        var date = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        await AppendRemoteAsync(Server, user, password, "INBOX",
        [
            (Message("in-1"), MessageFlags.Seen, date),
            .. Enumerable.Range(2, 4).Select(i => (Message($"in-{i}"), MessageFlags.None, date)),
        ]);
        var commits = new CommitLog();
        var request = Request(Server, user, password) with { Account = $"{localUser}@local.example", SyncFlags = true };
        Assert.Equal(5, (await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct)).Messages);
        // The local user's own message in the mirrored folder: never the mirror's to touch.
        await Server.InjectAsync(localUser, Message("users-own"), "Remote.INBOX", Ct);

        await ChangeRemotelyAsync(user, password);
        var result = await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Contains("flags synced (QRESYNC): 3 local copies changed, 1 removed (expunged remotely)", Assert.Single(result.Folders).Notes);
        var json = await Server.DoveadmAsync(Ct, "-f", "json", "fetch", "-u", localUser, "flags hdr.subject", "mailbox", "Remote.INBOX", "all");
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var local = doc.RootElement.EnumerateArray()
            .Select(e => (Subject: e.GetProperty("hdr.subject").GetString()!.Trim(), Flags: e.GetProperty("flags").GetString()!.Replace("\\Recent", "").Trim()))
            .OrderBy(m => m.Subject, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([("in-1", ""), ("in-2", "\\Seen"), ("in-3", "\\Flagged"), ("in-5", ""), ("users-own", "")], local);
    }
}

[Integration]
public sealed class RimapSyncFlagsCondStoreTests(CondStoreOnlyDovecotFixture fixture) : RimapSyncFlagsTests, IClassFixture<CondStoreOnlyDovecotFixture>
{
    protected override DovecotServer Server => fixture.Server;
    protected override string How => "CONDSTORE";
    protected override bool FetchesOnlyChanges => true;

    [Fact]
    public async Task The_changes_are_learnt_with_CHANGEDSINCE_and_the_expunges_with_UID_SEARCH()
    {
        using var local = new TempStore();
        var commits = new CommitLog();
        var (user, password, request) = await MirroredAsync(local, commits);
        var state = commits["INBOX"]!;

        await ChangeRemotelyAsync(user, password);
        var log = new RecordingImapLog();
        await PollAsync(request, local, commits, log);

        Assert.Contains(log.Commands, c => c.StartsWith($"UID FETCH 1:{state.HighestUid} (UID FLAGS) (CHANGEDSINCE {state.HighestModSeq})", StringComparison.Ordinal));
        Assert.Contains(log.Commands, c => c.StartsWith("UID SEARCH", StringComparison.Ordinal));
        Assert.DoesNotContain("QRESYNC", log.SentText);
    }
}

[Integration]
public sealed class RimapSyncFlagsFullScanTests(NoCondStoreDovecotFixture fixture) : RimapSyncFlagsTests, IClassFixture<NoCondStoreDovecotFixture>
{
    protected override DovecotServer Server => fixture.Server;
    protected override string How => "full scan";
    protected override bool FetchesOnlyChanges => false;
}
