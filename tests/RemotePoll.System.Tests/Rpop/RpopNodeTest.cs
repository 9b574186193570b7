using System.Text;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>What the RPOP tests of a node share: test messages, records set through rpoll, what was delivered.</summary>
public abstract class RpopNodeTest : DovecotNodeTest
{
    protected RpopNodeTest(string name) : base(name) { }

    protected RpopNodeTest(DovecotNode shared) : base(shared) { }

    protected static byte[] Message(int n, string to = "remote@example.net") => Encoding.ASCII.GetBytes(
        $"Return-Path: <sender{n}@example.org>\r\nFrom: sender{n}@example.org\r\nTo: {to}\r\nSubject: message {n}\r\nMessage-ID: <m{n}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody of message {n}.\r\n");

    protected string[] Delivered(string account, string folder = "")
    {
        var (user, domain) = (account.Split('@')[0], account.Split('@')[1]);
        var dir = Path.Combine(Data, "mail", domain, user, "Maildir", folder, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    protected async Task SetRecord(string account, string name, string user, params string[] options)
    {
        var r = await Rpoll("secret-" + user + "\n", ["rpop", "set", account, name, "--user", user, "--password-stdin", .. options]);
        Assert.True(r.ExitCode == 0, r.StandardError);
    }

    protected static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(200, Ct);
        }
    }
}
