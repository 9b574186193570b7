using System.Diagnostics;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;

namespace RemotePoll.System.Tests.Rimap;

/// <summary>
/// Issue 20: RIMAP push on a real node against the test Dovecot (IDLE). New mail of a push record is mirrored within
/// 5 s of its arrival, a record without push waits for Poll Every, held push connections never exceed push-connections,
/// and turning push off or removing the record closes its connection; the test Dovecot offers NOTIFY (RFC 5465), so new
/// mail in any mirrored folder is pushed too. IDLE is re-issued every 2 s here.
/// </summary>
public sealed class RimapPushTests() : PushNodeTest("push")
{
    /// <summary>Sets push-connections, then one push record per name, each signing in as the Dovecot user of its name through <paramref name="proxy"/>.</summary>
    private async Task<string[]> SetPushRecordsAsync(TcpProxy proxy, int pushConnections, params string[] records)
    {
        Assert.Equal(0, (await Rpoll(null, "module", "set", "push-connections", $"{pushConnections}")).ExitCode);
        foreach (var r in records)
        {
            await Dovecot.AddUserAsync(r, "pw", Ct);
            await SetAsync(r, r, proxy.Port, "--push", "yes");
        }
        return records;
    }

    [Fact]
    public async Task With_push_new_mail_is_mirrored_at_once_and_without_push_not_before_Poll_Every()
    {
        Assert.Equal(0, (await Rpoll(null, "module", "set", "push-connections", "4")).ExitCode);
        Assert.Contains("push-connections", (await Rpoll(null, "module", "show")).StandardOutput);
        await Dovecot.AddUserAsync("pushed", "pw", Ct);
        await Dovecot.AddUserAsync("polled", "pw", Ct);
        await Dovecot.InjectAsync("pushed", Message("first"), cancellationToken: Ct);
        await Dovecot.InjectAsync("polled", Message("first"), cancellationToken: Ct);
        await SetAsync("pushed", "pushed", Dovecot.ImapPort, "--push", "yes");
        await SetAsync("polled", "polled", Dovecot.ImapPort);
        // A new record polls within a few seconds; then the push record holds its connection.
        await WaitForAsync(async () => Count("pushed") == 1 && Count("polled") == 1 && await PushHeldAsync() == 1, "first polls and push held");
        Assert.Contains("push connections held here: 1 (push-connections, cluster-wide: 4)", (await Rpoll(null, "node", "stats")).StandardOutput);
        Assert.Matches(@"pushed\s.*\syes\s+no\s*$", (await Rpoll(null, "rimap", "list", Owner)).StandardOutput.Split('\n').First(l => l.StartsWith("pushed")));

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var sent = Stopwatch.StartNew();
            await Dovecot.InjectAsync("pushed", Message($"push-{i}"), cancellationToken: Ct);
            await Dovecot.InjectAsync("polled", Message($"poll-{i}"), cancellationToken: Ct);
            await WaitForAsync(() => Task.FromResult(Count("pushed") == 2 + i), $"message {i} mirrored by push", seconds: PushBound);
            latencies.Add(sent.Elapsed);
        }
        latencies.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"push: arrival to local file over {latencies.Count} messages: " +
            $"p50 {latencies[latencies.Count / 2].TotalMilliseconds:F0} ms, p99 {latencies[^1].TotalMilliseconds:F0} ms");
        // The record without push saw none of it: its next poll is 30 minutes away.
        Assert.Equal(1, Count("polled"));
        Assert.Equal(7, await Dovecot.CountAsync("pushed", cancellationToken: Ct)); // the remote side is only read
    }

    [Fact]
    public async Task With_NOTIFY_new_mail_in_a_folder_other_than_INBOX_is_mirrored_at_once()
    {
        Assert.Equal(0, (await Rpoll(null, "module", "set", "push-connections", "4")).ExitCode);
        await Dovecot.AddUserAsync("notified", "pw", Ct);
        await Dovecot.CreateFolderAsync("notified", "Work", Ct);
        await Dovecot.InjectAsync("notified", Message("first"), cancellationToken: Ct);
        await SetAsync("notified", "notified", Dovecot.ImapPort, "--push", "yes");
        await WaitForAsync(async () => Count("notified") == 1 && await PushHeldAsync() == 1, "first poll and push held");
        Assert.Contains("push connection held: NOTIFY", Node.Log);

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var sent = Stopwatch.StartNew();
            await Dovecot.DeliverAsync("notified", Message($"work-{i}"), "Work", Ct);
            await WaitForAsync(() => Task.FromResult(Count("notified", "Work") == 1 + i), $"message {i} of Work mirrored by push", seconds: PushBound);
            latencies.Add(sent.Elapsed);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"NOTIFY: arrival in Work to local file: max {latencies.Max().TotalMilliseconds:F0} ms");

        // A folder created remotely later is watched from the next IDLE re-issue (2 s here) on.
        await Dovecot.CreateFolderAsync("notified", "Later", Ct);
        await WaitForAsync(() => Task.FromResult(Directory.Exists(Path.Combine(Data, "mail", "example.com", "owner", "Maildir", ".notified.Later"))),
            "the new folder mirrored", seconds: 15);
        await Task.Delay(3000, Ct); // past the next re-issue, which sets NOTIFY for the new folder
        await Dovecot.DeliverAsync("notified", Message("later-1"), "Later", Ct);
        await WaitForAsync(() => Task.FromResult(Count("notified", "Later") == 1), "mail of the new folder mirrored by push", seconds: PushBound);
    }

    [Fact]
    public async Task Lowering_push_connections_ends_the_newest_held_connections_at_once_and_those_records_fall_back_to_polling()
    {
        await using var proxy = TcpProxy.Start(Dovecot.Host, Dovecot.ImapPort);
        var records = await SetPushRecordsAsync(proxy, 4, "cap1", "cap2", "cap3", "cap4");
        // With no new mail no poll runs: every session at the proxy is a push connection.
        await WaitForAsync(async () => await PushHeldAsync() == 4 && proxy.ActiveConnections == 4, "four push connections held");
        Assert.Contains("push connections held: 4/4 (cluster-wide)", (await Rpoll(null, "module", "show")).StandardOutput);

        var lowered = Stopwatch.StartNew();
        Assert.Equal(0, (await Rpoll(null, "module", "set", "push-connections", "2")).ExitCode);
        await WaitForAsync(async () => await PushHeldAsync() == 2 && proxy.ActiveConnections == 2, "two push connections ended", seconds: 10);
        TestContext.Current.TestOutputHelper?.WriteLine($"push-connections 4 -> 2: two connections ended after {lowered.Elapsed.TotalSeconds:0.0} s");
        proxy.ResetPeak();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(proxy.ActiveConnections <= 2, $"{proxy.ActiveConnections} sessions with push-connections 2");
            await Task.Delay(150, Ct);
        }
        Assert.True(proxy.PeakConnections <= 2, $"{proxy.PeakConnections} sessions at once with push-connections 2");
        Assert.Contains("push connections held: 2/2 (cluster-wide)", (await Rpoll(null, "module", "show")).StandardOutput);

        // The two still held mirror new mail at once; the two ended wait for Poll Every (30 minutes away).
        foreach (var r in records) await Dovecot.InjectAsync(r, Message($"after-{r}"), cancellationToken: Ct);
        await WaitForAsync(() => Task.FromResult(records.Count(r => Count(r) == 1) == 2), "new mail mirrored by the two held connections", seconds: PushBound);
        await Task.Delay(2000, Ct);
        Assert.Equal(2, records.Count(r => Count(r) == 1));
        Assert.Equal(2, records.Count(r => Count(r) == 0));
    }

    [Fact]
    public async Task Held_push_connections_never_exceed_push_connections_and_push_off_or_removal_closes_them()
    {
        await using var proxy = TcpProxy.Start(Dovecot.Host, Dovecot.ImapPort);
        await SetPushRecordsAsync(proxy, 2, "p1", "p2", "p3", "p4");
        await WaitForAsync(async () => await PushHeldAsync() == 2 && proxy.ActiveConnections == 2, "two push connections held");
        // With no new mail no poll runs: every session at the proxy is a push connection, and the other two wait.
        for (var i = 0; i < 20; i++)
        {
            Assert.True(proxy.ActiveConnections <= 2, $"{proxy.ActiveConnections} sessions with push-connections 2");
            Assert.True(await PushHeldAsync() <= 2);
            await Task.Delay(150, Ct);
        }

        // Two records stop pushing: the two that waited take over (whichever held before).
        Assert.Equal(0, (await Rpoll(null, "rimap", "set", Owner, "p1", "--push", "no")).ExitCode);
        Assert.Equal(0, (await Rpoll(null, "rimap", "remove", Owner, "p2")).ExitCode);
        await WaitForAsync(async () => await PushHeldAsync() == 2 && proxy.ActiveConnections == 2, "p3 and p4 push");

        // Push off and removal close the connections.
        Assert.Equal(0, (await Rpoll(null, "rimap", "set", Owner, "p3", "--push", "no")).ExitCode);
        Assert.Equal(0, (await Rpoll(null, "rimap", "remove", Owner, "p4")).ExitCode);
        await WaitForAsync(async () => await PushHeldAsync() == 0 && proxy.ActiveConnections == 0, "no push connection left");
    }
}
