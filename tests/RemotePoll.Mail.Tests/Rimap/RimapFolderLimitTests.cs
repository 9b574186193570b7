using RemotePoll.Mail.Rimap;
using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>Issue 16.9: one record's mirror holds at most MaxFolders local folders; the rest is skipped and reported.</summary>
[Integration]
public sealed class RimapFolderLimitTests(SlashDovecotFixture fixture) : IClassFixture<SlashDovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Folders_over_the_limit_are_not_created_and_are_reported_and_mirrored_folders_keep_their_place()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.InjectAsync(user, Message("inbox"), cancellationToken: Ct);
        foreach (var name in new[] { "A1", "A2", "A3", "B/Deep", "C1", "C2" })
            await Server.InjectAsync(user, Message("in-" + name.Replace('/', '-')), name, Ct);
        using var local = new TempStore();
        var commits = new CommitLog();
        // INBOX first, then A1, A2, A3 fill the 4; B/Deep would need 2 more (B and B/Deep), C1 and C2 one each.
        var request = Request(Server, user, password) with { MaxFolders = 4 };

        var result = await RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, null, Ct);

        Assert.Equal(["A1", "A2", "A3", "INBOX"], result.Folders.Select(f => f.RemoteName));
        Assert.Equal(["B/Deep", "C1", "C2"], result.SkippedFolders);
        var tree = (await local.Store.ListFoldersAsync(Account, Ct)).Where(f => !f.IsInbox && f.Segments.Count > 1).ToList();
        Assert.Equal(4, tree.Count);
        Assert.False(await local.Store.FolderExistsAsync(Account, Local("Remote/C1"), Ct));

        // A new folder that sorts first does not push out one already mirrored.
        await Server.InjectAsync(user, Message("in-0"), "0-first", Ct);
        var again = await RimapMirror.RunAsync(request, local.Store, commits.Known, commits.CommitAsync, null, Ct);
        Assert.Equal(["A1", "A2", "A3", "INBOX"], again.Folders.Select(f => f.RemoteName));
        Assert.Equal(["0-first", "B/Deep", "C1", "C2"], again.SkippedFolders);
        Assert.Empty(again.GoneFolders);
    }

    [Fact]
    public void The_default_limit_is_a_thousand_folders() =>
        Assert.Equal(1000, new RimapMirrorRequest
        {
            Account = Account, RecordName = "r", Host = new RemotePoll.Core.Records.HostAndPort("h", null), User = "u", Password = "p",
        }.MaxFolders);
}
