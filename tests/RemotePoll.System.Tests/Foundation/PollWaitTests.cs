using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;
using RemotePoll.Testing.Processes;

namespace RemotePoll.System.Tests.Foundation;

/// <summary>
/// <c>rpoll ... poll --wait</c> for polls longer than ClusterClient's reply tunnel lives (30 s without traffic): the CLI
/// gets the report however long the poll takes, shows progress on stderr, and Ctrl-C stops the waiting, not the poll.
/// </summary>
public sealed partial class PollWaitTests(DovecotNode node) : DovecotNodeTest(node), IClassFixture<DovecotNode>
{
    [GeneratedRegex(@"polling for \d+ s: (\d+) messages?, (\d+) bytes? so far")]
    private static partial Regex ProgressLine();

    private async Task SetRecord(string account, string name, int port, string user = "nobody")
    {
        var r = await Rpoll("pw\n", "rpop", "set", account, name, "--host", $"127.0.0.1:{port}", "--user", user, "--password-stdin", "--every", "disabled");
        Assert.True(r.ExitCode == 0, r.StandardError);
    }

    [Fact]
    public async Task Wait_gets_the_report_of_a_poll_longer_than_the_reply_tunnel_and_Ctrl_C_leaves_a_poll_running()
    {
        // A server that accepts and never greets: the poll ends after the command timeout (60 s) with ConnectionFailed.
        await using var silent = TcpProxy.Start(Dovecot.Host, Dovecot.Pop3Port);
        silent.StallAfterServerBytes(0);
        await SetRecord("slow@example.com", "waited", silent.Port);
        await SetRecord("slow@example.com", "left", silent.Port);

        var waited = Rpoll(null, "rpop", "poll", "slow@example.com", "waited", "--wait");

        // The second one is interrupted once it shows progress; its poll goes on.
        using var interrupted = StartRpoll("rpop", "poll", "slow@example.com", "left", "--wait");
        var stderr = new StringBuilder();
        var progressShown = new TaskCompletionSource();
        interrupted.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("polling for", StringComparison.Ordinal)) progressShown.TrySetResult();
        };
        interrupted.BeginErrorReadLine();
        var stdout = interrupted.StandardOutput.ReadToEndAsync(Ct);
        await progressShown.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(UnixProcess.Signal(interrupted.Id, 2 /* SIGINT */));
        await interrupted.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await stdout;
        Assert.Equal(130, interrupted.ExitCode);
        lock (stderr) Assert.Contains("stopped waiting; the poll of RPOP slow@example.com/left goes on in the cluster", stderr.ToString());

        var result = await waited;
        Assert.True(result.ExitCode == 4, $"exit {result.ExitCode}: {result.StandardOutput}{result.StandardError}");
        Assert.Matches(@"RPOP slow@example\.com/waited: failed after 0 messages, 0 bytes: ConnectionFailed: .*no answer within 00:01:00", result.StandardOutput);
        Assert.Matches(ProgressLine(), result.StandardError);
        Assert.DoesNotContain("[AdminReply]", Node.Log);

        // The interrupted poll ran to its end: its record shows the failure.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var list = await Rpoll(null, "rpop", "list", "slow@example.com", "--json");
            var left = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "left");
            if ((left.TryGetProperty("errorKind", out var k) ? k.GetString() : null) == "ConnectionFailed") break;
            Assert.True(DateTime.UtcNow < deadline, $"the interrupted poll did not end: {list.StandardOutput}");
            await Task.Delay(500, Ct);
        }
    }

    [Fact]
    public async Task Wait_shows_the_messages_and_bytes_so_far_of_a_long_drain()
    {
        // 450 messages of 8 KB through a slow link: three batches (200, 200, 50), each committed seconds apart.
        await Dovecot.AddUserAsync("big", "pw", Ct);
        var body = new string('x', 76) + "\r\n";
        await Dovecot.InjectManyAsync("big", Enumerable.Range(0, 450).Select(i => Encoding.ASCII.GetBytes(
            $"From: a@example.org\r\nTo: big@example.net\r\nSubject: {i}\r\nMessage-ID: <big{i}@example.org>\r\n\r\n" +
            string.Concat(Enumerable.Repeat(body, 104)))), cancellationToken: Ct);
        await using var slow = TcpProxy.Start(Dovecot.Host, Dovecot.Pop3Port);
        slow.ServerDelay = TimeSpan.FromMilliseconds(40);
        await SetRecord("big@example.com", "drain", slow.Port, "big");

        var poll = await Rpoll(null, "rpop", "poll", "big@example.com", "drain", "--wait");

        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.StartsWith("RPOP big@example.com/drain: 450 messages,", poll.StandardOutput);
        var partial = ProgressLine().Matches(poll.StandardError).Select(m => (Messages: int.Parse(m.Groups[1].Value), Bytes: long.Parse(m.Groups[2].Value)))
            .Where(p => p.Messages is > 0 and < 450).ToList();
        Assert.True(partial.Count > 0, "no progress line between the first batch and the end:\n" + poll.StandardError);
        Assert.All(partial, p => Assert.True(p.Bytes > p.Messages * 8000L, $"{p.Messages} messages, {p.Bytes} bytes"));
    }

    /// <summary>rpoll as a process of its own, to be interrupted.</summary>
    private Process StartRpoll(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[BuiltPrograms.CliDll, $"127.0.0.1:{Port}", .. args]) psi.ArgumentList.Add(a);
        psi.Environment["RPOLL_TOKEN"] = NodeTokens.For(Port);
        psi.Environment.Remove("RPOLL_CONTACT");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start rpoll");
        process.StandardInput.Close();
        return process;
    }
}
