using System.Text;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rimap;

/// <summary>
/// Issue 16.9 as an operator meets it: a node with <c>remotepoll.rimap-max-folders = 3</c> mirrors three local folders
/// of a remote tree of six, and the poll, <c>rimap list</c> and the poll's report say what was skipped.
/// </summary>
public sealed class RimapFolderLimitTests() : DovecotNodeTest("rimap-limit")
{
    protected override (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot)
    {
        var config = Path.Combine(Data, "limit.conf");
        File.WriteAllText(config, "remotepoll.rimap-max-folders = 3\n");
        return (["--config", config], []);
    }

    private static byte[] Message(string folder) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: b@example.net\r\nSubject: {folder}\r\nMessage-ID: <{folder}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody.\r\n");

    [Fact]
    public async Task Folders_over_the_node_limit_are_skipped_and_named_in_the_error()
    {
        await Dovecot.AddUserAsync("many", "imap-pw", Ct);
        await Dovecot.InjectAsync("many", Message("inbox"), cancellationToken: Ct);
        foreach (var f in new[] { "F1", "F2", "F3", "F4", "F5" }) await Dovecot.InjectAsync("many", Message(f), f, Ct);
        var set = await Rpoll("imap-pw\n", "rimap", "set", "owner@example.com", "remote", "--host", $"127.0.0.1:{Dovecot.ImapPort}",
            "--user", "many", "--password-stdin", "--every", "disabled");
        Assert.True(set.ExitCode == 0, set.StandardError);

        var poll = await Rpoll(null, "rimap", "poll", "owner@example.com", "remote", "--wait");

        Assert.Contains("Refused", poll.StandardOutput);
        Assert.Contains("3 remote folders not mirrored", poll.StandardOutput);
        Assert.Contains("'F3', 'F4', 'F5'", poll.StandardOutput);
        var maildir = Path.Combine(Data, "mail", "example.com", "owner", "Maildir");
        Assert.Equal([".remote", ".remote.F1", ".remote.F2", ".remote.INBOX"],
            Directory.GetDirectories(maildir, ".remote*").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("rimap-max-folders", (await Rpoll(null, "rimap", "list", "owner@example.com")).StandardOutput);
    }
}
