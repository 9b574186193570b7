namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// A node restarted on its data folder polls its records again by itself, and starts only the accounts that are due:
/// counted on the node's stats, so the node is this test's own.
/// </summary>
public sealed class RpopRestartTests() : RpopNodeTest("rpop-restart")
{
    [Fact]
    public async Task After_a_restart_records_poll_again_without_anyone_touching_the_account_and_only_accounts_due_are_started()
    {
        await Dovecot.AddUserAsync("resume", "secret-resume", Ct);
        await Dovecot.AddUserAsync("sleeper", "secret-sleeper", Ct);
        await Dovecot.InjectAsync("resume", Message(1), cancellationToken: Ct);
        await Dovecot.InjectAsync("sleeper", Message(1), cancellationToken: Ct);
        await SetRecord("resumed@example.com", "r", "resume", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--leave", "yes", "--every", "2s");
        await SetRecord("sleeper@example.com", "s", "sleeper", "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--leave", "yes", "--every", "1h");
        await WaitUntil(() => Delivered("resumed@example.com").Length == 1 && Delivered("sleeper@example.com").Length == 1, "the first messages");

        Assert.Equal(0, await Node.StopAsync());
        await Dovecot.InjectAsync("resume", Message(2), cancellationToken: Ct);
        Node = await Testing.Nodes.NodeProcess.StartAsync(Data, Port, ["--ca-file", Dovecot.CaCertificatePath]);
        // The shard's wake schedule starts the account whose poll is due; no CLI command names it after the restart.
        await WaitUntil(() => Delivered("resumed@example.com").Length == 2, "the message that arrived while the node was down");
        Assert.Equal(2, await Dovecot.CountAsync("resume", cancellationToken: Ct));

        // Every shard's schedule runs again (the node asks each at start), and together they list both accounts.
        await WaitUntil(() => Node.Log.Contains("wake schedules of all 100 shards answered (2 accounts listed)", StringComparison.Ordinal),
            "the node's wake schedules to answer");
        // The account polled every hour is listed but not started: its next poll is an hour away.
        var stats = await NodeStatsAsync();
        Assert.Equal(2, stats.GetProperty("scheduledAccounts").GetInt32());
        Assert.True(stats.GetProperty("pollers").GetInt32() == 1, stats.ToString());
        // Anything addressed to it starts it.
        var list = await Rpoll(null, "rpop", "list", "sleeper@example.com");
        Assert.True(list.ExitCode == 0, list.StandardError);
        Assert.Equal(2, (await NodeStatsAsync()).GetProperty("pollers").GetInt32());
        Assert.Single(Delivered("sleeper@example.com"));
    }
}
