using System.Text;
using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Tests.Delivery;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 20 point 3 in the Maildir store: <see cref="MaildirStore.ApplyMirrorChangesAsync"/> renames a mirror copy's
/// <c>:2,</c> flags and removes a copy only when the server said its UID is gone in the copy's UIDVALIDITY; nothing else
/// in the folder is touched.
/// </summary>
public sealed class MaildirMirrorChangesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MessageToStore Copy(string subject, uint validity, uint uid, MessageFlags flags = MessageFlags.None) =>
        new(MirrorStamp.Stamp(Message(subject), validity, uid), flags);

    private static readonly HashSet<uint> None = [];

    private static async Task<(MaildirStore Store, RecordingDiskFlush Flush, MailboxPath Folder)> FolderAsync(TempDirectory dir)
    {
        var flush = new RecordingDiskFlush();
        var store = new MaildirStore(dir.Path, null, flush);
        var folder = Local("Remote/INBOX");
        await store.EnsureFolderAsync(Account, folder, Ct);
        await store.AppendBatchAsync(Account, folder,
        [
            Copy("uid-1", 7, 1), Copy("uid-2", 7, 2), Copy("uid-3", 7, 3, MessageFlags.Seen), Copy("uid-4", 7, 4),
            Copy("old-uid-2", 6, 2, MessageFlags.Seen),
            new(Message("users-own")),
            new(Encoding.ASCII.GetBytes($"From: x@remote.example\r\nSubject: forged\r\n{MirrorStamp.HeaderName}: rimap; uidvalidity=7; uid=4\r\n\r\nforged\r\n")),
        ], Ct);
        flush.Events.Clear();
        return (store, flush, folder);
    }

    private static Dictionary<string, string> FlagsBySubject(MaildirStore store, MailboxPath folder) =>
        LocalMessages(store, folder).ToDictionary(m => m.Subject, m => m.Flags);

    [Fact]
    public async Task Flags_follow_and_only_the_UIDs_the_server_said_vanished_in_this_UIDVALIDITY_are_removed_durably()
    {
        using var dir = new TempDirectory();
        var (store, flush, folder) = await FolderAsync(dir);
        var changes = new MirrorChanges(7, 4, new Dictionary<uint, MessageFlags>
        {
            [1] = MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Recent,
            [3] = MessageFlags.None,
        }, Present: null, Vanished: new HashSet<uint> { 2 });

        var result = await store.ApplyMirrorChangesAsync(Account, folder, changes, Ct);

        Assert.Equal(new MirrorSyncResult(2, 1), result);
        Assert.Equal(new Dictionary<string, string>
        {
            ["uid-1"] = "FS", ["uid-3"] = "", ["uid-4"] = "", ["old-uid-2"] = "S", ["users-own"] = "", ["forged"] = "",
        }, FlagsBySubject(store, folder));
        var folderDir = store.FolderDirectory(Account, folder);
        Assert.Contains("dir " + Path.Combine(folderDir, "cur"), flush.Events);
        Assert.Contains("dir " + Path.Combine(folderDir, "new"), flush.Events);

        // Applied again: nothing left to change.
        Assert.Equal(MirrorSyncResult.None, await store.ApplyMirrorChangesAsync(Account, folder, changes, Ct));
    }

    [Fact]
    public async Task A_scan_removes_the_copies_up_to_its_last_UID_that_the_server_no_longer_has_and_no_copy_above()
    {
        using var dir = new TempDirectory();
        var (store, _, folder) = await FolderAsync(dir);
        // The server still has UIDs 1 and 3 up to UID 3; UID 4 is above what was scanned.
        var changes = new MirrorChanges(7, 3, new Dictionary<uint, MessageFlags> { [1] = MessageFlags.None, [3] = MessageFlags.Seen },
            Present: new HashSet<uint> { 1, 3 }, Vanished: None);

        Assert.Equal(new MirrorSyncResult(0, 1), await store.ApplyMirrorChangesAsync(Account, folder, changes, Ct));

        Assert.Equal(["forged", "old-uid-2", "uid-1", "uid-3", "uid-4", "users-own"], LocalSubjects(store, folder));
    }

    [Fact]
    public async Task Letters_that_are_no_IMAP_flag_stay_when_the_flags_change()
    {
        using var dir = new TempDirectory();
        var (store, _, folder) = await FolderAsync(dir);
        var cur = Path.Combine(store.FolderDirectory(Account, folder), "cur");
        var file = Directory.EnumerateFiles(cur).Single(f => File.ReadAllText(f).Contains("Subject: uid-3"));
        // A Dovecot keyword letter and Passed, set by a local reader.
        File.Move(file, file.Replace(":2,S", ":2,PSa", StringComparison.Ordinal));

        await store.ApplyMirrorChangesAsync(Account, folder,
            new MirrorChanges(7, 4, new Dictionary<uint, MessageFlags> { [3] = MessageFlags.Answered }, null, None), Ct);

        Assert.Equal("PRa", FlagsBySubject(store, folder)["uid-3"]);
    }

    [Fact]
    public async Task A_missing_folder_has_nothing_to_change()
    {
        using var dir = new TempDirectory();
        var store = new MaildirStore(dir.Path);
        Assert.Equal(MirrorSyncResult.None, await store.ApplyMirrorChangesAsync(Account, Local("Remote/Missing"),
            new MirrorChanges(7, 4, new Dictionary<uint, MessageFlags>(), null, new HashSet<uint> { 1 }), Ct));
    }

    [Theory]
    [InlineData("rimap; uidvalidity=7; uid=42", 7u, 42u)]
    [InlineData("RIMAP;UID=3;UIDVALIDITY=9", 9u, 3u)]
    public void The_mark_names_its_UIDVALIDITY_and_UID(string value, uint validity, uint uid) =>
        Assert.Equal((validity, uid), MirrorStamp.Read(Encoding.ASCII.GetBytes($"{MirrorStamp.HeaderName}: {value}\r\nSubject: x\r\n")));

    [Theory]
    [InlineData("X-RemotePoll-Mirror: rimap; uidvalidity=7\r\n")]
    [InlineData("X-RemotePoll-Mirror: rimap; uidvalidity=7; uid=-1\r\n")]
    [InlineData("Subject: x\r\nX-RemotePoll-Mirror: rimap; uidvalidity=7; uid=1\r\n")]
    public void A_mark_without_both_numbers_or_lower_down_names_nothing(string head) =>
        Assert.Null(MirrorStamp.Read(Encoding.ASCII.GetBytes(head)));
}
