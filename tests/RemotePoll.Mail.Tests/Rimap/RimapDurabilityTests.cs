using System.Collections.Concurrent;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Delivery;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// The mirror's durability ordering against a real Dovecot into the embedded Maildir: each batch's data and
/// directory entries are flushed (one barrier per batch) before the highest-UID mark of that batch is committed.
/// </summary>
[Integration]
public sealed class RimapDurabilityTests(SlashDovecotFixture fixture) : IClassFixture<SlashDovecotFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_batch_crosses_one_barrier_before_its_highest_uid_is_committed()
    {
        var server = fixture.Server;
        var (user, password) = await NewRemoteAccountAsync(server, Ct);
        await server.InjectManyAsync(user, Enumerable.Range(1, 5).Select(i => Message($"work-{i}")), "Work", Ct);
        using var local = new TempStore();
        var timeline = new ConcurrentQueue<string>();
        var flush = new RecordingDiskFlush { Observer = timeline.Enqueue };
        var store = new MaildirStore(local.Root, null, flush);
        var commits = new CommitLog();
        var request = Request(server, user, password) with { ListFilter = "Work", BatchSize = 2 };

        var result = await RimapMirror.RunAsync(request, store, commits.Known, async (p, t) =>
        {
            timeline.Enqueue($"commit {p.State.HighestUid} ({p.Messages})");
            await commits.CommitAsync(p, t);
        }, null, Ct);

        Assert.Equal(5, result.Messages);
        var folder = store.FolderDirectory(Account, Local("Remote/Work"));
        // Three batches (2, 2, 1): one syncfs of the folder before the renames, one fsync of cur/ after them, then the commit.
        var batches = timeline.Where(e => e.StartsWith("commit", StringComparison.Ordinal) || e.EndsWith(folder, StringComparison.Ordinal)
            || e == "dir " + Path.Combine(folder, "cur")).ToArray();
        string[] Batch(int highest, int n) => ["open-fs " + folder, "syncfs " + folder, "dir " + Path.Combine(folder, "cur"), $"commit {highest} ({n})"];
        Assert.Equal([.. Batch(2, 2), .. Batch(4, 2), .. Batch(5, 1)], batches);
        Assert.Equal(5, Directory.GetFiles(Path.Combine(folder, "cur")).Length);
    }

    [Fact]
    public async Task A_failed_barrier_commits_nothing_of_its_batch_abandons_the_fetch_ahead_and_the_next_poll_copies_it()
    {
        var server = fixture.Server;
        var (user, password) = await NewRemoteAccountAsync(server, Ct);
        await server.InjectManyAsync(user, Enumerable.Range(1, 3).Select(i => Message($"fail-{i}")), "Work", Ct);
        using var local = new TempStore();
        var flush = new RecordingDiskFlush { SyncFsFails = true };
        var store = new MaildirStore(local.Root, null, flush);
        var commits = new CommitLog();
        // Batches of 2: the second batch is being fetched ahead when the first one's barrier fails.
        var request = Request(server, user, password) with { ListFilter = "Work", BatchSize = 2 };

        var error = await Assert.ThrowsAsync<RemotePollException>(() => RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct));

        Assert.Equal(Core.Polling.PollErrorKind.LocalDeliveryFailed, error.Kind);
        Assert.DoesNotContain(commits.Commits, c => c.Messages > 0 || c.State.HighestUid > 0);
        var folder = store.FolderDirectory(Account, Local("Remote/Work"));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "cur")));

        flush.SyncFsFails = false;
        var retry = await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Equal(3, retry.Messages);
        Assert.Equal(3u, commits["Work"]!.HighestUid);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(folder, "cur")).Length);
    }
}
