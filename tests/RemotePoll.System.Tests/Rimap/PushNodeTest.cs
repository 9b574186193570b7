using System.Diagnostics;
using System.Text;
using RemotePoll.Testing.Dovecot;

namespace RemotePoll.System.Tests.Rimap;

/// <summary>A node for the push tests (issue 20): IDLE re-issued every 2 s, helpers to set push records and watch them mirror.</summary>
public abstract class PushNodeTest(string name, DovecotOptions? options = null) : DovecotNodeTest(name, options)
{
    protected const string Owner = "owner@example.com";

    /// <summary>
    /// How long a pushed message may take here: far below Poll Every (30 minutes in these tests), so only push brings it,
    /// and far above the 5 s p99 target, which is measured in the benchmarks (never by a timed test on a shared machine).
    /// </summary>
    protected const int PushBound = 30;

    protected override (string[] Args, Dictionary<string, string> Environment) NodeSetup(DovecotServer dovecot)
    {
        var config = Path.Combine(Data, "push.conf");
        File.WriteAllText(config, "remotepoll.push-idle-every = 2s\n");
        return (["--config", config], []);
    }

    protected static byte[] Message(string tag) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: b@example.net\r\nSubject: {tag}\r\nMessage-ID: <{tag}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody.\r\n");

    protected int Count(string record, string folder = "INBOX")
    {
        var dir = Path.Combine(Data, "mail", "example.com", "owner", "Maildir", $".{record}.{folder}");
        return new[] { "new", "cur" }.Select(d => Path.Combine(dir, d)).Where(Directory.Exists).Sum(d => Directory.GetFiles(d).Length);
    }

    protected async Task SetAsync(string record, string user, int port, params string[] options)
    {
        var set = await Rpoll("pw\n", ["rimap", "set", Owner, record, "--host", $"127.0.0.1:{port}", "--user", user, "--password-stdin",
            "--security", "starttls", "--auth", "encrypted", "--every", "30m", .. options]);
        Assert.True(set.ExitCode == 0, set.StandardError);
    }

    protected async Task<int> PushHeldAsync() => (await NodeStatsAsync()).GetProperty("pushHeld").GetInt32();

    protected async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                var log = string.Join('\n', Node.Log.Split('\n').Where(l => l.Contains("RPOLL") || l.Contains("rror")).TakeLast(40));
                Assert.Fail($"not within {seconds} s: {what}\n{(await Rpoll(null, "rimap", "list", Owner)).StandardOutput}\n" +
                    $"{(await Rpoll(null, "node", "stats")).StandardOutput}\n{log}");
            }
            await Task.Delay(100, Ct);
        }
    }
}
