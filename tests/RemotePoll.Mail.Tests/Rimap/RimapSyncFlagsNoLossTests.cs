using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 20 point 3, no-loss: with Sync Flags, a local copy is removed only on the server's word; a refused or cut-off
/// flag scan leaves every copy as it was and says why (a scripted server: Dovecot will not fail on demand).
/// </summary>
public sealed class RimapSyncFlagsNoLossTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The remote INBOX (UIDVALIDITY 7, UID 1, the scripted server's) mirrored before: one local copy, its state saved.</summary>
    private static async Task<(CommitLog Commits, MailboxPath Folder)> MirroredAsync(TempStore local)
    {
        var folder = Local("Remote/INBOX");
        await local.Store.EnsureFolderAsync(Account, folder, Ct);
        await local.Store.AppendBatchAsync(Account, folder, [new MessageToStore(MirrorStamp.Stamp(Message("uid-1"), 7, 1))], Ct);
        var commits = new CommitLog();
        await commits.CommitAsync(new RimapFolderProgress(new RimapFolderState("INBOX", 7, 1), folder, 0, 0), Ct);
        return (commits, folder);
    }

    private static RimapMirrorRequest RequestFor(HostilePop3Server server) => new()
    {
        Account = Account,
        RecordName = "Remote",
        Host = new HostAndPort("127.0.0.1", server.Port),
        User = "fake",
        Password = "Fake-Secret-18",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(5),
        SyncFlags = true,
    };

    [Fact]
    public async Task A_refused_flag_scan_removes_nothing_and_says_why_in_the_folders_error()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", async (tag, command) =>
        {
            if (!command.StartsWith("UID FETCH", StringComparison.OrdinalIgnoreCase)) return false;
            await c.SendAsync($"{tag} NO [UNAVAILABLE] flags are not available right now\r\n");
            return true;
        }));
        using var local = new TempStore();
        var (commits, folder) = await MirroredAsync(local);

        var result = await RimapMirror.RunAsync(RequestFor(server), local.Store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Contains("flags are not available right now", Assert.Single(result.Folders).Error);
        Assert.Equal(["uid-1"], LocalSubjects(local.Store, folder));
        Assert.Equal(new RimapFolderState("INBOX", 7, 1), commits["INBOX"]);
    }

    [Fact]
    public async Task A_connection_lost_during_the_flag_scan_removes_nothing()
    {
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", (_, command) =>
            command.StartsWith("UID FETCH", StringComparison.OrdinalIgnoreCase) ? throw new IOException("cut off") : Task.FromResult(false)));
        using var local = new TempStore();
        var (commits, folder) = await MirroredAsync(local);

        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            RimapMirror.RunAsync(RequestFor(server), local.Store, commits.Known, commits.CommitAsync, null, Ct));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.Equal(["uid-1"], LocalSubjects(local.Store, folder));
    }

    [Fact]
    public async Task A_scan_that_answers_the_message_keeps_it_and_one_that_answers_no_such_UID_removes_it()
    {
        // The control for the two above: the same server, answering; then answering that UID 1 is no longer there.
        var gone = false;
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", async (tag, command) =>
        {
            if (!command.StartsWith("UID FETCH", StringComparison.OrdinalIgnoreCase) || !gone) return false;
            await c.SendAsync($"{tag} OK done\r\n");
            return true;
        }));
        using var local = new TempStore();
        var (commits, folder) = await MirroredAsync(local);

        await RimapMirror.RunAsync(RequestFor(server), local.Store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Equal(["uid-1"], LocalSubjects(local.Store, folder));

        gone = true;
        var result = await RimapMirror.RunAsync(RequestFor(server), local.Store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Contains("flags synced (full scan): 0 local copies changed, 1 removed (expunged remotely)", Assert.Single(result.Folders).Notes);
        Assert.Empty(LocalSubjects(local.Store, folder));
    }
}
