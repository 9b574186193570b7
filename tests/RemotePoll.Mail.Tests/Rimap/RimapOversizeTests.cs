using System.Globalization;
using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Rimap;
using RemotePoll.Mail.Tests.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 16.8 and 16.10 (IMAP half): what a batch buffers is bounded by bytes, whatever RFC822.SIZE says or omits,
/// and a message larger than announced is skipped (left on the server, noted in Error) instead of failing its folder
/// on every poll. A scripted server: Dovecot always announces sizes, and truthfully.
/// </summary>
public sealed class RimapOversizeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One message of the scripted INBOX: what the server announces (null: no RFC822.SIZE) and what it sends.</summary>
    private sealed record Scripted(uint Uid, long? Announced, byte[] Content);

    private static byte[] Sized(string subject, int size) => Message(subject, size);

    /// <summary>An INBOX of <paramref name="messages"/> for any number of sessions; every UID FETCH of content is recorded.</summary>
    private static HostilePop3Server Serve(IReadOnlyList<Scripted> messages, List<string> contentFetches, string[]? folders = null) =>
        new(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN", async (tag, command) =>
        {
            if (folders is not null && command.StartsWith("LIST", StringComparison.Ordinal) && !command.EndsWith("\"\"", StringComparison.Ordinal))
            {
                // Every folder holds the same scripted messages.
                await c.SendAsync(string.Concat(folders.Select(f => $"* LIST (\\HasNoChildren) \"/\" {f}\r\n")) + $"{tag} OK done\r\n");
                return true;
            }
            if (command.StartsWith("EXAMINE", StringComparison.Ordinal))
            {
                await c.SendAsync($"* FLAGS (\\Seen)\r\n* {messages.Count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n" +
                    $"* OK [UIDNEXT {messages.Max(m => m.Uid) + 1}] ok\r\n{tag} OK [READ-ONLY] done\r\n");
                return true;
            }
            if (!command.StartsWith("UID FETCH", StringComparison.Ordinal)) return false;
            var set = Uids(command.Split(' ')[2], messages.Max(m => m.Uid));
            var chosen = messages.Select((m, i) => (m, Seq: i + 1)).Where(x => set.Contains(x.m.Uid)).ToList();
            if (!command.Contains("BODY", StringComparison.Ordinal))
            {
                var sb = new StringBuilder();
                foreach (var (m, seq) in chosen)
                    sb.Append(CultureInfo.InvariantCulture, $"* {seq} FETCH (UID {m.Uid} FLAGS () INTERNALDATE \"01-Jan-2024 00:00:00 +0000\"")
                        .Append(m.Announced is { } size ? $" RFC822.SIZE {size}" : "").Append(")\r\n");
                await c.SendAsync(sb + $"{tag} OK done\r\n");
                return true;
            }
            lock (contentFetches) contentFetches.Add(command.Split(' ')[2]);
            foreach (var (m, seq) in chosen)
            {
                await c.SendAsync($"* {seq} FETCH (UID {m.Uid} BODY[] {{{m.Content.Length}}}\r\n");
                for (var sent = 0; sent < m.Content.Length; sent += 64 * 1024)
                    await c.SendAsync(m.Content.AsSpan(sent, Math.Min(64 * 1024, m.Content.Length - sent)).ToArray());
                await c.SendAsync(")\r\n");
            }
            await c.SendAsync($"{tag} OK done\r\n");
            return true;
        }));

    private static HashSet<uint> Uids(string set, uint max)
    {
        var uids = new HashSet<uint>();
        foreach (var part in set.Split(','))
        {
            var ends = part.Split(':');
            var from = ends[0] == "*" ? max : uint.Parse(ends[0], CultureInfo.InvariantCulture);
            var to = ends.Length == 1 ? from : ends[1] == "*" ? max : uint.Parse(ends[1], CultureInfo.InvariantCulture);
            for (var u = Math.Min(from, to); u <= Math.Max(from, to) && u <= max; u++) uids.Add(u);
        }
        return uids;
    }

    private static RimapMirrorRequest RequestFor(HostilePop3Server server) => new()
    {
        Account = Account,
        RecordName = "Remote",
        Host = new HostAndPort("127.0.0.1", server.Port),
        User = "fake",
        Password = "Fake-Secret-17",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The store, recording the bytes of each batch it was handed (what the mirror held in memory at once).</summary>
    private sealed class BatchBytesStore(MaildirStore inner) : IMailboxStore
    {
        public List<long> Batches { get; } = [];
        public Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken ct) => inner.EnsureFolderAsync(account, folder, ct);
        public Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken ct) => inner.FolderExistsAsync(account, folder, ct);
        public Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken ct) => inner.ListFoldersAsync(account, ct);
        public Task<FolderMessages> CountMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken ct) => inner.CountMirrorCopiesAsync(account, folder, ct);
        public Task<FolderMessages> RemoveMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken ct) => inner.RemoveMirrorCopiesAsync(account, folder, ct);

        public Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages,
            CancellationToken ct)
        {
            lock (Batches) Batches.Add(messages.Sum(m => (long)m.Content.Length));
            return inner.AppendBatchAsync(account, folder, messages, ct);
        }
    }

    [Fact]
    public async Task Messages_without_RFC822_SIZE_are_batched_by_what_their_fetch_may_read_not_as_zero_bytes()
    {
        const int size = 512 * 1024;
        var messages = Enumerable.Range(1, 12).Select(i => new Scripted((uint)i, null, Sized($"m{i:D2}", size))).ToList();
        var fetches = new List<string>();
        await using var server = Serve(messages, fetches);
        using var local = new TempStore();
        var store = new BatchBytesStore(local.Store);
        var commits = new CommitLog();
        // Batches of 2 MB; a message of unknown size may be up to 1 MB: never more than 2 of them in one batch.
        var request = RequestFor(server) with { MaxMessageSize = 1024 * 1024, BatchBytes = 2 * 1024 * 1024 };

        var result = await RimapMirror.RunAsync(request, store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Equal(12, result.Messages);
        Assert.Equal(12, LocalSubjects(local.Store, Local("Remote/INBOX")).Count);
        Assert.All(store.Batches, b => Assert.True(b <= request.BatchBytes + 2 * 1024, $"a batch of {b} bytes"));
        Assert.Equal(6, fetches.Count);
        Assert.Equal(12u, commits["INBOX"]!.HighestUid);
    }

    [Fact]
    public async Task A_message_larger_than_announced_is_skipped_and_left_on_the_server_and_the_others_are_mirrored()
    {
        var messages = Enumerable.Range(1, 5)
            .Select(i => new Scripted((uint)i, 2_000, i == 3 ? Sized("liar", 3 * 1024 * 1024) : Sized($"m{i}", 1_900)))
            .ToList();
        var fetches = new List<string>();
        await using var server = Serve(messages, fetches);
        using var local = new TempStore();
        var commits = new CommitLog();
        var request = RequestFor(server) with { MaxMessageSize = 10 * 1024 * 1024 };

        var result = await RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, null, Ct);

        var inbox = Assert.Single(result.Folders);
        Assert.Equal(4, inbox.Messages);
        Assert.Equal(1, inbox.Skipped);
        Assert.Equal(["m1", "m2", "m4", "m5"], LocalSubjects(local.Store, Local("Remote/INBOX")));
        Assert.NotNull(inbox.Error);
        Assert.StartsWith("UID 3 skipped and left on the server", inbox.Error);
        Assert.Equal(5u, commits["INBOX"]!.HighestUid);
        // The whole batch first, then each of its messages alone (the liar cut off again), then nothing more.
        Assert.Equal("1:5", fetches[0]);
        Assert.Contains("3", fetches);
        Assert.DoesNotContain(server.Received, l => l.Contains("STORE", StringComparison.Ordinal) || l.Contains("EXPUNGE", StringComparison.Ordinal));

        // The next poll does not try it again: the folder is not blocked.
        fetches.Clear();
        var next = await RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Null(Assert.Single(next.Folders).Error);
        Assert.Empty(fetches);
    }

    [Fact]
    public async Task After_a_cut_off_fetch_the_other_folders_are_mirrored_on_the_new_session()
    {
        var messages = Enumerable.Range(1, 3)
            .Select(i => new Scripted((uint)i, 2_000, i == 2 ? Sized("liar", 3 * 1024 * 1024) : Sized($"m{i}", 1_900)))
            .ToList();
        var fetches = new List<string>();
        await using var server = Serve(messages, fetches, ["Archive", "INBOX", "Later"]);
        using var local = new TempStore();
        var commits = new CommitLog();

        var result = await RimapMirror.RunAsync(RequestFor(server) with { MaxMessageSize = 10 * 1024 * 1024 }, local.Store,
            commits.Known, commits.CommitAsync, null, Ct);

        Assert.Equal(["Archive", "INBOX", "Later"], result.Folders.Select(f => f.RemoteName));
        Assert.All(result.Folders, f => Assert.StartsWith("UID 2 skipped and left on the server", f.Error));
        foreach (var folder in new[] { "Archive", "INBOX", "Later" })
            Assert.Equal(["m1", "m3"], LocalSubjects(local.Store, Local("Remote/" + folder)));
    }
}
