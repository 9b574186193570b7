using System.Text;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// Stopping a node while its records poll, as a rolling restart does: the shards are handed off at once, without
/// waiting out Akka's 10 s shard-region timeout for messages the node kept sending to shards already handed off.
/// </summary>
public sealed class NodeStopTests() : DovecotNodeTest("stop")
{
    private const string RegionTimedOut = "Graceful shutdown of shard region timed out";
    private const int Accounts = 2000;

    [Fact]
    public async Task A_node_stopped_while_its_records_poll_hands_its_shards_off_without_timing_out()
    {
        await Dovecot.AddUserAsync("busy", "secret-busy", Ct);
        var file = new StringBuilder();
        for (var i = 0; i < Accounts; i++)
            file.AppendLine($"user{i}@example.com {{ r = {{ domain = \"127.0.0.1:{Dovecot.Pop3Port}\"; authName = busy; password = \"secret-busy\"; period = 1s; leave = YES; }}; }}");
        var import = await Rpoll(file.ToString(), "rpop", "import", "-", "--first-poll", "now");
        Assert.True(import.ExitCode == 0, import.StandardError);

        // Every record is due each second, more than Dovecot's logins can serve: polls end (and report their next
        // time) all the while the node stops, and 2000 running accounts take a while to hand off.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await NodeStatsAsync()).GetProperty("timerLatenessCounts").EnumerateArray().Sum(c => c.GetInt64()) < 500)
        {
            Assert.True(DateTime.UtcNow < deadline, "the records did not poll 500 times within 60 s");
            await Task.Delay(500, Ct);
        }

        Assert.Equal(0, await Node.StopAsync());
        Assert.Contains("Exiting completed", Node.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(RegionTimedOut, Node.Log, StringComparison.Ordinal);
    }
}
