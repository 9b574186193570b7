using RemotePoll.Testing.Dovecot;
using Xunit;
using static RemotePoll.Mail.Tests.Rimap.RimapTestData;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 20, NOTIFY (RFC 5465): against the test Dovecot, which offers it, the push session watches every mirrored folder,
/// and a folder created remotely later is watched from the next IDLE re-issue on.
/// </summary>
[Integration]
public sealed class RimapPushNotifyTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_NOTIFY_new_mail_in_a_folder_other_than_INBOX_is_announced_during_the_IDLE()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await Server.CreateFolderAsync(user, "Work", Ct);
        await using var watch = new PushWatch(Request(Server, user, password), TimeSpan.FromMinutes(5));
        await watch.NextAsync(TimeSpan.FromSeconds(20)); // the catch-up announcement
        watch.Drain();

        await Server.DeliverAsync(user, Message("in-work"), "Work", Ct);
        await watch.NextAsync(TimeSpan.FromSeconds(30)); // within the 5-minute IDLE: told by the server

        Assert.StartsWith("NOTIFY", watch.Watching);
        Assert.Contains(watch.Log.Commands, c => c.StartsWith("NOTIFY SET", StringComparison.OrdinalIgnoreCase) && c.Contains("Work"));
        // INBOX still announces, and the remote side is only read.
        watch.Drain();
        await Server.InjectAsync(user, Message("in-inbox"), cancellationToken: Ct);
        await watch.NextAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(watch.Log.Commands, c => c.StartsWith("SELECT", StringComparison.Ordinal) || c.StartsWith("STORE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_created_remotely_later_is_watched_from_the_next_IDLE_reissue()
    {
        var (user, password) = await NewRemoteAccountAsync(Server, Ct);
        await using var watch = new PushWatch(Request(Server, user, password), TimeSpan.FromSeconds(1));
        await watch.NextAsync(TimeSpan.FromSeconds(20));

        await Server.CreateFolderAsync(user, "Later", Ct);
        // The re-issue finds the new folder: the record is mirrored once at once, and NOTIFY is set for it.
        await watch.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(watch.Log.Commands, c => c.StartsWith("NOTIFY SET", StringComparison.OrdinalIgnoreCase) && c.Contains("Later"));
        watch.Drain();

        await Server.DeliverAsync(user, Message("in-later"), "Later", Ct);
        await watch.NextAsync(TimeSpan.FromSeconds(30));
    }
}
