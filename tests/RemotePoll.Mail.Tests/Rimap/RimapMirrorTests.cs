using System.Diagnostics;
using MailKit;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>The folder mirror against a real Dovecot whose hierarchy delimiter is '/', into a local Maildir.</summary>
[Integration]
public sealed class RimapMirrorTests(SlashDovecotFixture fixture) : IClassFixture<SlashDovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RimapMirrorResult> PollAsync(RimapMirrorRequest request, TempStore local, CommitLog commits, RecordingImapLog? log = null) =>
        RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, log, Ct);

    /// <summary>INBOX, Work, Work/Reports, Private, Private/Old: one message each, named after the folder.</summary>
    private async Task<(string User, string Password)> TreeAsync()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        foreach (var folder in new[] { "INBOX", "Work", "Work/Reports", "Private", "Private/Old" })
            await Server.InjectAsync(user, Message("in-" + folder.Replace('/', '-')), folder, Ct);
        return (user, password);
    }

    [Fact]
    public async Task Nested_folders_are_mirrored_under_the_record_name_and_only_new_mail_is_copied_on_the_next_poll()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectManyAsync(user, [Message("in-1"), Message("in-2")], cancellationToken: Ct);
        await Server.InjectManyAsync(user, [Message("work-1")], "Work", Ct);
        await Server.InjectManyAsync(user, [Message("deep-1"), Message("deep-2")], "Work/Projects", Ct);
        await Server.InjectManyAsync(user, [Message("deeper-1")], "Work/Projects/2024", Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);

        var first = await PollAsync(request, local, commits);

        Assert.Equal(["INBOX", "Work", "Work/Projects", "Work/Projects/2024"], first.Folders.Select(f => f.RemoteName));
        Assert.Equal(6, first.Messages);
        Assert.Equal(["in-1", "in-2"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.Equal(["work-1"], LocalSubjects(local.Store, Local("Remote/Work")));
        Assert.Equal(["deep-1", "deep-2"], LocalSubjects(local.Store, Local("Remote/Work/Projects")));
        Assert.Equal(["deeper-1"], LocalSubjects(local.Store, Local("Remote/Work/Projects/2024")));

        await Server.InjectManyAsync(user, [Message("in-3")], cancellationToken: Ct);
        await Server.InjectManyAsync(user, [Message("deeper-2")], "Work/Projects/2024", Ct);
        var second = await PollAsync(request, local, commits);

        Assert.Equal(2, second.Messages);
        Assert.Equal(["in-1", "in-2", "in-3"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.Equal(["deeper-1", "deeper-2"], LocalSubjects(local.Store, Local("Remote/Work/Projects/2024")));
        Assert.Equal(0, (await PollAsync(request, local, commits)).Messages);
        Assert.Equal(["deep-1", "deep-2"], LocalSubjects(local.Store, Local("Remote/Work/Projects")));
    }

    [Fact]
    public async Task A_poll_with_nothing_new_examines_only_the_folders_that_changed()
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        await Server.InjectAsync(user, Message("fresh"), "Private/Old", Ct);
        var log = new RecordingImapLog();
        var result = await PollAsync(request, local, commits, log);

        // LIST-STATUS says UIDVALIDITY and UIDNEXT of every folder: only the one with new mail is opened.
        Assert.Equal(1, result.Messages);
        var examined = Assert.Single(log.Commands, c => c.StartsWith("EXAMINE", StringComparison.Ordinal));
        Assert.StartsWith("EXAMINE Private/Old", examined);
    }

    [Fact]
    public async Task A_noselect_parent_is_skipped_but_its_children_are_mirrored()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        // Only the Maildir++ folder .Archive.2023 exists: Dovecot lists Archive as \Noselect (or \NonExistent).
        await Server.InjectAsync(user, Message("archived"), "Archive/2023", Ct);
        using var local = new TempStore();

        var result = await PollAsync(Request(Server, user, password), local, new CommitLog());

        Assert.DoesNotContain("Archive", result.Folders.Select(f => f.RemoteName));
        Assert.Contains("Archive/2023", result.Folders.Select(f => f.RemoteName));
        Assert.Equal(["archived"], LocalSubjects(local.Store, Local("Remote/Archive/2023")));
    }

    [Theory]
    [InlineData(null, "INBOX,Private,Private/Old,Work,Work/Reports")]
    [InlineData("*", "INBOX,Private,Private/Old,Work,Work/Reports")]
    [InlineData("%", "INBOX,Private,Work")]
    [InlineData("Work/*", "Work/Reports")]
    [InlineData("Work*", "Work,Work/Reports")]
    [InlineData("*/%", "Private/Old,Work/Reports")]
    [InlineData("inbox", "INBOX")]
    [InlineData("Nothing*", "")]
    public async Task The_filter_is_a_LIST_pattern_over_the_remote_names(string? filter, string expected)
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();

        var result = await PollAsync(Request(Server, user, password) with { ListFilter = filter }, local, new CommitLog());

        var names = expected.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(names, result.Folders.Select(f => f.RemoteName));
        foreach (var name in names)
            Assert.Equal(["in-" + name.Replace('/', '-')], LocalSubjects(local.Store, Local("Remote/" + name)));
        // Nothing else is created locally but the root and the parents of mirrored folders.
        var allowed = names.Select(n => Local("Remote/" + n)).SelectMany(p => p.SelfAndAncestors()).ToHashSet();
        allowed.Add(Local("Remote"));
        Assert.All(await local.Store.ListFoldersAsync(Account, Ct), f => Assert.True(f.IsInbox || allowed.Contains(f), $"unexpected local folder {f}"));
    }

    [Fact]
    public async Task Flags_and_internal_dates_are_kept_and_the_remote_mailbox_is_left_unchanged()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        var date = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await AppendRemoteAsync(Server, user, password, "Work",
            (Message("seen-flagged"), MessageFlags.Seen | MessageFlags.Flagged, date),
            (Message("answered"), MessageFlags.Answered, date.AddDays(1)),
            (Message("unread"), MessageFlags.None, date.AddDays(2)),
            (Message("draft"), MessageFlags.Draft | MessageFlags.Seen, date.AddDays(3)));
        var before = await Server.ListAsync(user, "Work", Ct);
        using var local = new TempStore();
        var log = new RecordingImapLog();

        await PollAsync(Request(Server, user, password), local, new CommitLog(), log);

        var stored = LocalMessages(local.Store, Local("Remote/Work")).ToDictionary(m => m.Subject);
        Assert.Equal("FS", stored["seen-flagged"].Flags);
        Assert.Equal("R", stored["answered"].Flags);
        Assert.Equal("", stored["unread"].Flags);
        Assert.Equal("DS", stored["draft"].Flags);
        Assert.Equal(date, stored["seen-flagged"].Date);
        Assert.Equal(date.AddDays(2), stored["unread"].Date);
        // Each copy is the remote message behind one added first line: the mirror's mark.
        Assert.All(stored.Values, m => Assert.StartsWith($"{MirrorStamp.HeaderName}: rimap; uidvalidity=", System.Text.Encoding.ASCII.GetString(m.Content)));
        Assert.Equal(before.Select(m => m.Text), stored.Values.OrderBy(m => m.Date)
            .Select(m => System.Text.Encoding.ASCII.GetString(m.Content).Split("\r\n", 2)[1].Replace("\r\n", "\n")));

        var after = await Server.ListAsync(user, "Work", Ct);
        Assert.Equal(before.Select(m => (m.Uid, m.Flags)), after.Select(m => (m.Uid, m.Flags)));
        Assert.DoesNotContain("\\Seen", after.Single(m => m.Subject == "unread").Flags);
        Assert.Contains(log.Commands, c => c.StartsWith("EXAMINE", StringComparison.Ordinal));
        Assert.Contains(log.Commands, c => c.Contains("BODY.PEEK[]", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Commands, c => c.Split(' ')[0] is "SELECT" or "STORE" or "EXPUNGE" or "APPEND" or "COPY" or "MOVE" or "DELETE" or "CLOSE"
            || c.StartsWith("UID STORE", StringComparison.Ordinal) || c.StartsWith("UID EXPUNGE", StringComparison.Ordinal) || c.Contains("BODY[]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_UIDVALIDITY_recopies_the_folder_without_duplicates()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectManyAsync(user, [Message("old-1"), Message("old-2"), Message("kept")], "Work", Ct);
        await Server.InjectAsync(user, Message("inbox"), cancellationToken: Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);
        var oldValidity = commits["Work"]!.UidValidity;

        await Server.DeleteFolderAsync(user, "Work", Ct);
        await Server.CreateFolderAsync(user, "Work", Ct);
        await Server.InjectManyAsync(user, [Message("kept"), Message("new-1")], "Work", Ct);
        var result = await PollAsync(request, local, commits);

        Assert.NotEqual(oldValidity, commits["Work"]!.UidValidity);
        var work = result.Folders.Single(f => f.RemoteName == "Work");
        Assert.Contains(work.Notes, n => n.StartsWith("UIDVALIDITY changed", StringComparison.Ordinal));
        Assert.Equal(2, work.Messages);
        Assert.Equal(["kept", "new-1"], LocalSubjects(local.Store, Local("Remote/Work")));
        Assert.Equal(["inbox"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.Equal(0, (await PollAsync(request, local, commits)).Messages);
    }

    [Fact]
    public async Task A_deleted_local_folder_is_recreated_and_refilled_on_the_next_poll()
    {
        var (user, password) = await TreeAsync();
        await Server.InjectAsync(user, Message("work-2"), "Work", Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        Directory.Delete(local.Store.FolderDirectory(Account, Local("Remote/Work")), recursive: true);
        var result = await PollAsync(request, local, commits);

        var work = result.Folders.Single(f => f.RemoteName == "Work");
        Assert.Contains(work.Notes, n => n.Contains("recreated", StringComparison.Ordinal));
        Assert.Equal(2, result.Messages);
        Assert.Equal(["in-Work", "work-2"], LocalSubjects(local.Store, Local("Remote/Work")));
        Assert.Equal(["in-Work-Reports"], LocalSubjects(local.Store, Local("Remote/Work/Reports")));
    }

    [Fact]
    public async Task A_deleted_local_root_folder_refills_every_mirrored_folder_without_duplicates()
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        // Maildir++: deleting .Remote leaves .Remote.Work and the others in place, with their messages.
        Directory.Delete(local.Store.FolderDirectory(Account, Local("Remote")), recursive: true);
        var result = await PollAsync(request, local, commits);

        Assert.Equal(5, result.Messages);
        Assert.All(result.Folders, f => Assert.Contains(f.Notes, n => n.Contains("root folder was missing", StringComparison.Ordinal)));
        foreach (var name in new[] { "INBOX", "Work", "Work/Reports", "Private", "Private/Old" })
            Assert.Equal(["in-" + name.Replace('/', '-')], LocalSubjects(local.Store, Local("Remote/" + name)));
    }

    [Fact]
    public async Task A_new_remote_folder_appears_locally_on_the_next_poll_even_when_empty()
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        await Server.CreateFolderAsync(user, "Empty", Ct);
        await Server.InjectAsync(user, Message("later"), "Work/Later", Ct);
        var result = await PollAsync(request, local, commits);

        Assert.Equal(1, result.Messages);
        Assert.True(await local.Store.FolderExistsAsync(Account, Local("Remote/Empty"), Ct));
        Assert.Equal(["later"], LocalSubjects(local.Store, Local("Remote/Work/Later")));
        Assert.NotNull(commits["Empty"]);
    }

    [Fact]
    public async Task Local_leftovers_without_saved_state_are_replaced_not_duplicated()
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        // The caller lost the state (or a crash came between a batch and its commit).
        commits.Forget("Work");
        var result = await PollAsync(request, local, commits);

        var work = result.Folders.Single(f => f.RemoteName == "Work");
        Assert.Equal(1, work.Messages);
        Assert.Contains(work.Notes, n => n.StartsWith("no saved state", StringComparison.Ordinal));
        Assert.Equal(["in-Work"], LocalSubjects(local.Store, Local("Remote/Work")));
    }

    private static IReadOnlyList<string> ContentFetches(RecordingImapLog log) =>
        log.Commands.Where(c => c.StartsWith("UID FETCH", StringComparison.Ordinal) && c.Contains("BODY.PEEK[]", StringComparison.Ordinal))
            .Select(c => c.Split(' ')[2]).ToList();

    [Fact]
    public async Task Each_batch_is_one_UID_FETCH_stored_before_its_commit_while_the_next_batch_is_fetched_ahead()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectManyAsync(user, Enumerable.Range(1, 7).Select(i => Message($"m{i}")), cancellationToken: Ct);
        using var local = new TempStore();
        var log = new RecordingImapLog();
        var seenAtCommit = new List<(uint HighestUid, int Fetches, int Stored)>();

        await RimapMirror.RunAsync(Request(Server, user, password) with { BatchSize = 3 }, local.Store,
            new Dictionary<string, RimapFolderState>(), async (p, _) =>
            {
                var stored = LocalSubjects(local.Store, p.LocalFolder).Count;
                // Pipelined: the next batch's UID FETCH goes out while this batch is stored and committed. The commit
                // waits for it to show on the wire (a mirror that fetched only after committing would never send it).
                var expected = Math.Min(3, seenAtCommit.Count + 2);
                for (var waited = 0; ContentFetches(log).Count < expected && waited < 100; waited++) await Task.Delay(100, Ct);
                seenAtCommit.Add((p.State.HighestUid, ContentFetches(log).Count, stored));
            }, log, Ct);

        Assert.Equal(["1:3", "4:6", "7"], ContentFetches(log));
        // Stored (durable) before each commit; the next fetch already sent by then.
        Assert.Equal([(3u, 2, 3), (6u, 3, 6), (7u, 3, 7)], seenAtCommit);
    }

    [Fact]
    public async Task A_failed_commit_stops_the_poll_and_the_next_poll_fetches_from_the_last_committed_UID()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectManyAsync(user, Enumerable.Range(1, 7).Select(i => Message($"m{i}")), cancellationToken: Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password) with { BatchSize = 3 };

        var calls = 0;
        await Assert.ThrowsAsync<IOException>(() => RimapMirror.RunAsync(request, local.Store, commits.Known, async (p, ct) =>
        {
            if (++calls == 2) throw new IOException("journal unavailable");
            await commits.CommitAsync(p, ct);
        }, null, Ct));
        Assert.Equal(3u, commits["INBOX"]!.HighestUid);

        var log = new RecordingImapLog();
        var result = await PollAsync(request, local, commits, log);

        Assert.Equal(["4:6", "7"], ContentFetches(log));
        Assert.Equal(4, result.Messages);
        Assert.Equal(7u, commits["INBOX"]!.HighestUid);
        // The batch stored before the failed commit is stored again: the at-least-once window the caller's commit closes.
        Assert.Equal(["m1", "m2", "m3", "m4", "m4", "m5", "m5", "m6", "m6", "m7"], LocalSubjects(local.Store, Local("Remote/INBOX")));
    }

    [Fact]
    public async Task Messages_over_the_size_limit_are_skipped_reported_and_not_fetched_again()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectManyAsync(user, [Message("small-1"), Message("big", 20_000), Message("small-2")], cancellationToken: Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password) with { MaxMessageSize = 10_000 };
        var log = new RecordingImapLog();

        var result = await PollAsync(request, local, commits, log);

        var inbox = result.Folders.Single();
        Assert.Equal(2, inbox.Messages);
        Assert.Equal(1, inbox.Skipped);
        Assert.Contains(inbox.Notes, n => n.Contains("over the 10000-byte limit", StringComparison.Ordinal));
        Assert.Equal(["small-1", "small-2"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.Contains(log.Commands, c => c.StartsWith("UID FETCH 1,3 (BODY.PEEK[])", StringComparison.Ordinal));
        Assert.Equal(3u, commits["INBOX"]!.HighestUid);
    }

    [Fact]
    public async Task Folders_no_longer_listed_are_reported_and_their_local_copies_kept()
    {
        var (user, password) = await TreeAsync();
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = Request(Server, user, password);
        await PollAsync(request, local, commits);

        await Server.DeleteFolderAsync(user, "Private", Ct);
        var result = await PollAsync(request, local, commits);

        Assert.Equal(["Private", "Private/Old"], result.GoneFolders);
        Assert.Equal(["in-Private-Old"], LocalSubjects(local.Store, Local("Remote/Private/Old")));
    }

    [Fact]
    public async Task Five_folders_of_400_messages_of_8_KB_are_mirrored_in_batches()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        var folders = new[] { "INBOX", "F1", "F2", "F3", "F4" };
        foreach (var folder in folders)
            await Server.InjectManyAsync(user, Enumerable.Range(1, 400).Select(i => Message($"{folder}-{i:D3}", 8 * 1024)), folder, Ct);
        using var local = new TempStore();
        var commits = new CommitLog();

        var clock = Stopwatch.StartNew();
        var result = await RimapMirror.RunAsync(Request(Server, user, password), local.Store, commits.Known, commits.CommitAsync, null, Ct);
        clock.Stop();

        var line = $"RIMAP mirror: 5 folders x 400 messages x 8 KB ({result.Bytes / 1024 / 1024.0:F1} MB) in {clock.ElapsedMilliseconds} ms, " +
            $"{result.Messages / clock.Elapsed.TotalSeconds:F0} messages/s, {commits.Commits.Count} commits";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        Assert.Equal(2000, result.Messages);
        foreach (var folder in folders)
            Assert.Equal(400, LocalMessages(local.Store, Local("Remote/" + folder)).Count);
        Assert.Equal(10, commits.Commits.Count(c => c.Messages > 0));
    }
}
