using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rimap;

/// <summary>
/// Issue 20: push against a Dovecot that offers IDLE but not NOTIFY (<c>imap_capability</c>): new mail in INBOX is still
/// mirrored at once, the other folders wait for Poll Every (30 minutes here) or Try Now.
/// </summary>
public sealed class RimapPushWithoutNotifyTests() : PushNodeTest("push-no-notify", new DovecotOptions
{
    // Dovecot 2.3's own list after login, without NOTIFY.
    ExtraConfig = "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UNSELECT CHILDREN NAMESPACE UIDPLUS " +
        "LIST-EXTENDED ESEARCH LIST-STATUS LITERAL+ MULTIAPPEND CONDSTORE QRESYNC",
})
{
    [Fact]
    public async Task Without_NOTIFY_INBOX_is_pushed_the_other_folders_wait_for_Poll_Every_and_Try_Now_polls_them_all()
    {
        Assert.Equal(0, (await Rpoll(null, "module", "set", "push-connections", "2")).ExitCode);
        await Dovecot.AddUserAsync("idled", "pw", Ct);
        await Dovecot.CreateFolderAsync("idled", "Work", Ct);
        await Dovecot.InjectAsync("idled", Message("first"), cancellationToken: Ct);
        await SetAsync("idled", "idled", Dovecot.ImapPort, "--push", "yes");
        await WaitForAsync(async () => Count("idled") == 1 && await PushHeldAsync() == 1, "first poll and push held");
        Assert.Contains("push connection held: IDLE on INBOX (the server offers no NOTIFY)", Node.Log);

        await Dovecot.DeliverAsync("idled", Message("work-1"), "Work", Ct);
        await Dovecot.InjectAsync("idled", Message("inbox-2"), cancellationToken: Ct);
        await WaitForAsync(() => Task.FromResult(Count("idled") == 2), "INBOX mirrored by push", seconds: PushBound);
        // The mirror that INBOX's mail started took Work's message along; a message only in Work waits.
        await Dovecot.DeliverAsync("idled", Message("work-2"), "Work", Ct);
        await Task.Delay(5000, Ct); // two IDLE re-issues: nothing announces Work
        Assert.Equal(1, Count("idled", "Work"));

        // Try Now on a push record polls every folder at once, as on any record; the push connection stays held.
        var now = await Rpoll(null, "rimap", "poll", Owner, "idled", "--wait");
        Assert.True(now.ExitCode == 0, now.StandardOutput + now.StandardError);
        Assert.Equal(2, Count("idled", "Work"));
        Assert.Equal(1, await PushHeldAsync());
    }
}
