using System.Text;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rimap;

/// <summary>
/// RIMAP as an operator uses it: a real node mirrors the test Dovecot's IMAP folder tree under a local folder named
/// after the record, in the embedded Maildir; Try Now works on a Disabled record; deleting the local folder refills it.
/// </summary>
public sealed class RimapPollingTests(DovecotNode node) : DovecotNodeTest(node), IClassFixture<DovecotNode>
{
    private static byte[] Message(string folder, int n) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: b@example.net\r\nSubject: {folder} {n}\r\nMessage-ID: <{folder}.{n}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody {n}.\r\n");

    private string MaildirOf(string account) => Path.Combine(Data, "mail", account.Split('@')[1], account.Split('@')[0], "Maildir");

    private int Count(string account, string maildirFolder)
    {
        var dir = Path.Combine(MaildirOf(account), maildirFolder);
        return new[] { "new", "cur" }.Select(d => Path.Combine(dir, d)).Where(Directory.Exists).Sum(d => Directory.GetFiles(d).Length);
    }

    [Fact]
    public async Task Try_Now_on_a_Disabled_record_mirrors_the_folder_tree_and_deleting_the_local_folder_refills_it()
    {
        await Dovecot.AddUserAsync("mirror", "imap-pw", Ct);
        await Dovecot.CreateFolderAsync("mirror", "Work", Ct);
        await Dovecot.CreateFolderAsync("mirror", "Work.Projects", Ct); // Dovecot's hierarchy delimiter here is "."
        for (var i = 0; i < 3; i++) await Dovecot.InjectAsync("mirror", Message("inbox", i), cancellationToken: Ct);
        for (var i = 0; i < 2; i++) await Dovecot.InjectAsync("mirror", Message("projects", i), "Work.Projects", Ct);
        var set = await Rpoll("imap-pw\n", "rimap", "set", "owner@example.com", "remote", "--host", $"127.0.0.1:{Dovecot.ImapPort}",
            "--user", "mirror", "--password-stdin", "--security", "starttls", "--auth", "encrypted", "--every", "disabled");
        Assert.True(set.ExitCode == 0, set.StandardError);

        var poll = await Rpoll(null, "rimap", "poll", "owner@example.com", "remote", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Contains("5 messages", poll.StandardOutput);
        Assert.Equal(3, Count("owner@example.com", ".remote.INBOX"));
        Assert.Equal(2, Count("owner@example.com", ".remote.Work.Projects"));
        Assert.Equal(3, await Dovecot.CountAsync("mirror", cancellationToken: Ct)); // remote untouched

        var list = await Rpoll(null, "rimap", "list", "owner@example.com");
        Assert.Matches(@"remote\s+Disabled\s+mirror\s+127\.0\.0\.1:\d+\s+STARTTLS\s+Encrypted\s+-\s+-\s+\d{4}-", list.StandardOutput);

        // New mail is copied once; the rest is not copied again.
        await Dovecot.InjectAsync("mirror", Message("inbox", 9), cancellationToken: Ct);
        var again = await Rpoll(null, "rimap", "poll", "owner@example.com", "remote", "--wait");
        Assert.Contains(": 1 message,", again.StandardOutput);
        Assert.Equal(4, Count("owner@example.com", ".remote.INBOX"));

        // Spec: "you can delete the local folder; the folder will be recreated and its contents will be filled on next polling".
        Directory.Delete(Path.Combine(MaildirOf("owner@example.com"), ".remote.Work.Projects"), recursive: true);
        var refill = await Rpoll(null, "rimap", "poll", "owner@example.com", "remote", "--wait");
        Assert.True(refill.ExitCode == 0, refill.StandardOutput);
        Assert.Equal(2, Count("owner@example.com", ".remote.Work.Projects"));
        Assert.Equal(4, Count("owner@example.com", ".remote.INBOX"));
    }

    [Fact]
    public async Task Wrong_password_shows_in_Error_and_a_scheduled_record_mirrors_by_itself()
    {
        await Dovecot.AddUserAsync("sched", "good", Ct);
        await Dovecot.InjectAsync("sched", Message("inbox", 1), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("bad\n", "rimap", "set", "s@example.com", "wrong", "--host", $"127.0.0.1:{Dovecot.ImapsPort}",
            "--user", "sched", "--password-stdin", "--security", "ssl", "--every", "disabled")).ExitCode);
        var poll = await Rpoll(null, "rimap", "poll", "s@example.com", "wrong", "--wait");
        Assert.Equal(4, poll.ExitCode); // the poll ran and failed
        Assert.Contains("AuthenticationFailed", poll.StandardOutput);
        Assert.Contains("AuthenticationFailed", (await Rpoll(null, "rimap", "list", "s@example.com")).StandardOutput);

        Assert.Equal(0, (await Rpoll("good\n", "rimap", "set", "s@example.com", "right", "--host", $"127.0.0.1:{Dovecot.ImapsPort}",
            "--user", "sched", "--password-stdin", "--security", "ssl", "--every", "2s")).ExitCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Count("s@example.com", ".right.INBOX") < 1 && DateTime.UtcNow < deadline) await Task.Delay(200, Ct);
        Assert.Equal(1, Count("s@example.com", ".right.INBOX"));
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(1, Count("s@example.com", ".right.INBOX"));
    }
}
