using System.Text;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// The node's delivery targets chosen by its options: the queue path over LMTP into Dovecot (rules apply there),
/// and direct Mailbox stores by IMAP APPEND as Dovecot's master user (credentials from the environment).
/// </summary>
public sealed class RpopDeliveryTargetTests() : DovecotNodeTest("targets")
{
    protected override (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot) =>
        (["--deliver", $"lmtp://127.0.0.1:{dovecot.LmtpPort}", "--store", $"imap://127.0.0.1:{dovecot.ImapPort}"],
         new() { ["RPOLL_STORE_USER"] = dovecot.MasterUser, ["RPOLL_STORE_PASSWORD"] = dovecot.MasterPassword });


    private static byte[] Message(int n) => Encoding.ASCII.GetBytes(
        $"Return-Path: <sender{n}@example.org>\r\nFrom: sender{n}@example.org\r\nTo: someone@example.net\r\nSubject: target {n}\r\n\r\nBody {n}.\r\n");

    [Fact]
    public async Task Without_Mailbox_messages_go_through_LMTP_to_the_local_account()
    {
        await Dovecot.AddUserAsync("remote1", "pw1", Ct);
        await Dovecot.AddUserAsync("local1", "unused", Ct);
        for (var i = 0; i < 4; i++) await Dovecot.InjectAsync("remote1", Message(i), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw1\n", "rpop", "set", "local1@example.com", "r", "--host", $"127.0.0.1:{Dovecot.Pop3Port}",
            "--user", "remote1", "--password-stdin", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "local1@example.com", "r", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(4, await Dovecot.CountAsync("local1", cancellationToken: Ct));
        Assert.Equal(0, await Dovecot.CountAsync("remote1", cancellationToken: Ct));
        // The envelope sender came from Return-Path, which Dovecot's LMTP recreated at final delivery.
        var texts = (await Dovecot.ListAsync("local1", cancellationToken: Ct)).Select(m => m.Text).ToList();
        Assert.All(texts, t => Assert.Single(t.Split('\n'), l => l.StartsWith("Return-Path:", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task An_unknown_local_account_leaves_the_mail_on_the_server_with_the_reason()
    {
        await Dovecot.AddUserAsync("remote2", "pw2", Ct);
        await Dovecot.InjectAsync("remote2", Message(1), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw2\n", "rpop", "set", "nobody-here@example.com", "r", "--host", $"127.0.0.1:{Dovecot.Pop3Port}",
            "--user", "remote2", "--password-stdin", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "nobody-here@example.com", "r", "--wait");
        Assert.Equal(4, poll.ExitCode); // the poll ran and failed
        Assert.Contains("LocalDeliveryFailed", poll.StandardOutput);
        Assert.Contains("5.1.1", poll.StandardOutput);
        Assert.Equal(1, await Dovecot.CountAsync("remote2", cancellationToken: Ct));
    }

    [Fact]
    public async Task Mailbox_is_stored_by_IMAP_APPEND_into_the_local_server()
    {
        await Dovecot.AddUserAsync("remote3", "pw3", Ct);
        await Dovecot.AddUserAsync("local3", "unused", Ct);
        for (var i = 0; i < 3; i++) await Dovecot.InjectAsync("remote3", Message(i), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw3\n", "rpop", "set", "local3@example.com", "r", "--host", $"127.0.0.1:{Dovecot.Pop3Port}",
            "--user", "remote3", "--password-stdin", "--mailbox", "Fetched", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "local3@example.com", "r", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(3, await Dovecot.CountAsync("local3", "Fetched", Ct));
        Assert.Equal(0, await Dovecot.CountAsync("local3", cancellationToken: Ct));
        Assert.DoesNotContain(Dovecot.MasterPassword, Node.Log);
    }
}
