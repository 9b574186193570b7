using RemotePoll.Mail.Tests.Pop3;
using Xunit;

namespace RemotePoll.Mail.Tests.Rimap;

/// <summary>
/// Issue 20: a server that advertises NOTIFY but refuses NOTIFY SET (a fake: no Dovecot configuration does this) leaves
/// push on IDLE for INBOX instead of ending it.
/// </summary>
public sealed class RimapPushNotifyRefusedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refused_NOTIFY_SET_falls_back_to_IDLE_on_INBOX()
    {
        var idles = 0;
        await using var server = new HostilePop3Server(c => FakeImap.ServeAsync(c, "IMAP4rev1 AUTH=PLAIN IDLE NOTIFY", async (tag, command) =>
        {
            if (command.StartsWith("NOTIFY", StringComparison.OrdinalIgnoreCase))
                await c.SendAsync($"{tag} NO [CANNOT] NOTIFY is not available for this account\r\n");
            else if (command.StartsWith("LIST", StringComparison.OrdinalIgnoreCase) && command.Contains('*'))
                await c.SendAsync($"* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" Work\r\n{tag} OK done\r\n");
            else if (command.Equals("IDLE", StringComparison.OrdinalIgnoreCase))
            {
                // The first IDLE is told of a second message in INBOX; each ends with DONE.
                await c.SendAsync(Interlocked.Increment(ref idles) == 1 ? "+ idling\r\n* 2 EXISTS\r\n" : "+ idling\r\n");
                await c.ReadLineAsync();
                await c.SendAsync($"{tag} OK idle done\r\n");
            }
            else return false;
            return true;
        }));
        await using var watch = new PushWatch(RimapHostileServerTests.RequestFor(server), TimeSpan.FromMinutes(5));

        await watch.NextAsync(TimeSpan.FromSeconds(10)); // INBOX examined
        await watch.NextAsync(TimeSpan.FromSeconds(10)); // the EXISTS told during IDLE

        Assert.Contains(watch.Log.Commands, c => c.StartsWith("NOTIFY SET", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("IDLE on INBOX (the server refused NOTIFY); the other folders are polled at Poll Every", watch.Watching);
        Assert.False(watch.Running.IsCompleted);
    }
}
