using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RemotePoll.Core.Admin;
using RemotePoll.Testing.Net;

namespace RemotePoll.System.Tests.Cluster;

/// <summary>
/// The module settings as three real node processes on PostgreSQL obey them while polling the test Dovecot, observed
/// from the server's side: a TCP proxy in front of Dovecot counts sessions and attempts and sees the source address.
/// The tests share one cluster; each sets the settings it needs and removes its records when it ends.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterPollingTests(PollingCluster cluster) : IClassFixture<PollingCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private NodeGroup Group => cluster.Group;

    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [GeneratedRegex(@"Login: user=<(\w+)>")]
    private static partial Regex LoginLine();

    /// <summary>(a) Processes = 3 with 30 records due every 2 s on three nodes: the server never sees more than 3 sessions.</summary>
    [Fact]
    public async Task Processes_caps_the_sessions_the_server_sees_across_the_three_nodes()
    {
        var watch = Stopwatch.StartNew();
        const int records = 30;
        await using var proxy = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port);
        proxy.ServerDelay = TimeSpan.FromMilliseconds(150); // every session lasts about a second: polls must wait for permits
        await cluster.SetModuleAsync(("allow-self-poll", "yes"), ("processes", "3"));
        var accounts = await AddRecordsAsync("cap", records, proxy, "2s");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(25), Ct);
            var served = proxy.TotalConnections;
            // Each session lasts over a second (several server answers, each 150 ms late); a permit given back before its
            // session's QUIT was answered would overlap the next session by at least 150 ms. Below 50 ms an overlap is the
            // proxy noticing a close later than the next accept, not a fourth session.
            var peak = proxy.PeakClientSessions(TimeSpan.FromMilliseconds(50));
            var rawPeak = proxy.PeakClientSessions(TimeSpan.Zero);
            var users = LoginLine().Matches(cluster.Dovecot.LogText).Select(m => m.Groups[1].Value).Where(u => u.StartsWith("capsrc", StringComparison.Ordinal)).ToHashSet();
            Note($"{served} sessions in 25 s, peak {peak} at once ({rawPeak} without allowing for the proxy's delays), {users.Count} of {records} accounts served");
            Assert.True(peak <= 3, $"the server saw {peak} sessions at once with Processes = 3");
            Assert.True(peak > 1, $"sessions never overlapped (peak {peak}): the cap was not exercised");
            Assert.True(served >= records, $"only {served} sessions in 25 s");
            // Waiting polls are served first come, first served: every account had its turn.
            Assert.Equal(records, users.Count);
        }
        finally
        {
            await RemoveRecordsAsync(accounts);
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>(f) Processes = 0 stops every node's polling although records are due; a non-zero value resumes it.</summary>
    [Fact]
    public async Task Processes_0_stops_all_polling_on_every_node_and_a_later_value_resumes_it()
    {
        var watch = Stopwatch.StartNew();
        const int records = 9;
        await using var proxy = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port);
        await cluster.SetModuleAsync(("allow-self-poll", "yes"), ("processes", "3"));
        var accounts = await AddRecordsAsync("stop", records, proxy, "2s");
        try
        {
            await EventuallyAsync(TimeSpan.FromSeconds(30), () => proxy.TotalConnections >= 2 * records, () => $"{proxy.TotalConnections} sessions",
                "the records are polled every 2 s");

            await cluster.SetModuleAsync(("processes", "0")); // and polls under way end
            var before = proxy.ConnectionAttempts;
            await Task.Delay(TimeSpan.FromSeconds(12), Ct);
            Assert.True(proxy.ConnectionAttempts == before,
                $"{proxy.ConnectionAttempts - before} connections in 12 s with Processes = 0\n{Group.Logs()}");
            Assert.Equal(0, proxy.ActiveConnections);

            await Group.RpollOk(1, "module", "set", "processes", "2");
            var resumed = await EventuallyAsync(TimeSpan.FromSeconds(20), () => proxy.TotalConnections >= before + records,
                () => $"{proxy.TotalConnections - before} sessions since", "polling resumes for every record");
            Note($"all records polled again {resumed.TotalSeconds:0.0} s after Processes = 2");
        }
        finally
        {
            await RemoveRecordsAsync(accounts);
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>(c) A host that refuses connections is not tried again by any node before Delay Failed Hosts has passed.</summary>
    [Fact]
    public async Task A_refusing_host_is_not_tried_again_by_any_node_before_Delay_Failed_Hosts()
    {
        var watch = Stopwatch.StartNew();
        const int records = 6;
        var delay = TimeSpan.FromSeconds(30);
        // Its own loopback address: a failed host holds back every record naming it, and 127.0.0.1 is Dovecot's.
        await using var refuser = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port, IPAddress.Parse("127.0.0.5"));
        refuser.RejectNewConnections = true;
        await cluster.SetModuleAsync(("allow-self-poll", "yes"), ("processes", "10"), ("delay-failed-hosts", "30s"));
        var accounts = await AddRecordsAsync("refused", records, refuser, "1s");
        try
        {
            await EventuallyAsync(TimeSpan.FromSeconds(20), () => refuser.ConnectionAttempts > 0, () => "no attempt", "a first connection attempt");
            var failed = await FailedHostAsync("127.0.0.5");
            Assert.InRange(failed.Until - failed.Since, delay - TimeSpan.FromSeconds(1), delay + TimeSpan.FromSeconds(1));
            // Polls that had passed the check before the host was marked may still connect once each; then none until the
            // delay has passed (the nodes share this machine's clock).
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            var first = refuser.ConnectionAttempts;
            Assert.True(first <= records, $"{first} attempts before the host was held back ({records} records)");
            var quietUntil = failed.Until - TimeSpan.FromSeconds(1);
            Assert.True(quietUntil - DateTimeOffset.UtcNow > delay / 2, $"the host was marked too long ago to watch most of the delay: {failed.Since:u}");
            Assert.Contains("not polled until", await Group.RpollOk(1, "rpop", "list", accounts[0]));
            while (DateTimeOffset.UtcNow < quietUntil)
            {
                Assert.True(refuser.ConnectionAttempts == first,
                    $"{refuser.ConnectionAttempts - first} more attempts at {DateTimeOffset.UtcNow:HH:mm:ss.fff}, host failed until {failed.Until:HH:mm:ss.fff}\n{Group.Logs()}");
                await Task.Delay(200, Ct);
            }

            // Once the delay has passed, the records (due every second all along) try again, and the host is marked anew.
            await EventuallyAsync(TimeSpan.FromSeconds(15), () => refuser.ConnectionAttempts > first, () => "no new attempt", "a new attempt after the delay");
            var again = await FailedHostAsync("127.0.0.5");
            Assert.True(again.Since >= failed.Until, $"marked again since {again.Since:u}, first failure until {failed.Until:u}");
            Note($"{first} attempts at first; the next {(DateTimeOffset.UtcNow - failed.Until).TotalSeconds:0.0} s after the delay ended");
        }
        finally
        {
            await RemoveRecordsAsync(accounts);
            await Group.Rpoll(0, null, "hosts", "clear", "127.0.0.5");
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>(d) Source IP Address and Use Domain IP Addresses: the server sees the chosen loopback address.</summary>
    [Fact]
    public async Task Sessions_come_from_the_Source_IP_Address_or_from_the_domain_s_first_IP_address()
    {
        var watch = Stopwatch.StartNew();
        await using var proxy = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port);
        await Group.RpollOk(0, "domain", "set", "bound.test", "--ip", "127.0.0.3", "--ip", "127.0.0.4");
        await cluster.SetModuleAsync(("allow-self-poll", "yes"), ("processes", "10"), ("source-ip", "127.0.0.2"), ("use-domain-ips", "no"));
        string[] accounts = ["plain@example.com", "bound@bound.test"];
        for (var i = 0; i < accounts.Length; i++) await AddRecordAsync(accounts[i], $"srcuser{i}", proxy, "disabled");
        try
        {
            // Use Domain IP Addresses off: both from Source IP Address.
            Assert.Equal(["127.0.0.2", "127.0.0.2"], await PollFromAsync(proxy, accounts));

            // On: the account of a domain with addresses from its first one; the other one still from Source IP Address.
            await cluster.SetModuleAsync(("use-domain-ips", "yes"));
            Assert.Equal(["127.0.0.2", "127.0.0.3"], await PollFromAsync(proxy, accounts));

            // Source IP Address auto: the system's choice (127.0.0.1 towards 127.0.0.1); the domain's address still wins.
            await cluster.SetModuleAsync(("source-ip", "auto"));
            Assert.Equal(["127.0.0.1", "127.0.0.3"], await PollFromAsync(proxy, accounts));
        }
        finally
        {
            await RemoveRecordsAsync(accounts);
            await cluster.SetModuleAsync(("source-ip", "auto"), ("use-domain-ips", "no"));
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>(e) Allow Self-Poll off: a record naming this server is not polled and its Error says why; on, it polls.</summary>
    [Fact]
    public async Task A_record_naming_this_server_is_refused_with_a_reason_until_Allow_Self_Poll_is_on()
    {
        var watch = Stopwatch.StartNew();
        await using var proxy = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port);
        await cluster.SetModuleAsync(("allow-self-poll", "no"), ("processes", "10"));
        const string account = "selfpoll@example.com";
        await cluster.Dovecot.AddUserAsync("selfpoll", "local-password", Ct);
        await AddRecordAsync(account, "selfsrc", proxy, "disabled");
        await cluster.Dovecot.InjectAsync("selfsrc", Message("selfsrc", 1), cancellationToken: Ct);
        try
        {
            for (var n = 0; n < 3; n++)
            {
                var refused = await Group.Rpoll(n, null, "rpop", "poll", account, "r", "--wait");
                Assert.True(refused.ExitCode != 0 && refused.StandardOutput.Contains("Allow Self-Poll is off", StringComparison.Ordinal),
                    $"via node {n}: exit {refused.ExitCode}: {refused.StandardOutput}{refused.StandardError}");
            }
            var list = await Group.RpollOk(2, "rpop", "list", account);
            Assert.Contains("Refused", list);
            Assert.Contains("this server's own address and Allow Self-Poll is off", list);
            Assert.Equal(0, proxy.ConnectionAttempts);
            Assert.Equal(1, await cluster.Dovecot.CountAsync("selfsrc", cancellationToken: Ct));

            await cluster.SetModuleAsync(("allow-self-poll", "yes"));
            var polled = await Group.Rpoll(1, null, "rpop", "poll", account, "r", "--wait");
            Assert.True(polled.ExitCode == 0, polled.StandardOutput + polled.StandardError);
            Assert.Equal(1, proxy.ConnectionAttempts);
            Assert.Equal(0, await cluster.Dovecot.CountAsync("selfsrc", cancellationToken: Ct));
            Assert.Equal(["<selfsrc.1@example.org>"], (await cluster.Dovecot.ListAsync("selfpoll", cancellationToken: Ct)).Select(m => m.MessageId));
            Assert.DoesNotContain("Allow Self-Poll", await Group.RpollOk(0, "rpop", "list", account));
        }
        finally
        {
            await RemoveRecordsAsync([account]);
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// (b) A node is killed (SIGKILL) while the cluster drains many accounts: the survivors take its accounts over and
    /// every message ends in its account's local store exactly once; every remote mailbox ends empty.
    /// </summary>
    [Fact]
    public async Task When_a_node_is_killed_during_a_drain_every_message_arrives_exactly_once()
    {
        var watch = Stopwatch.StartNew();
        const int records = 12;
        const int perAccount = 40;
        await using var proxy = TcpProxy.Start(cluster.Dovecot.Host, cluster.Dovecot.Pop3Port);
        proxy.ServerDelay = TimeSpan.FromMilliseconds(20); // a drain lasts a few seconds, so the kill lands in the middle of it
        await cluster.SetModuleAsync(("allow-self-poll", "yes"), ("processes", "6"));
        var expected = new Dictionary<int, HashSet<string>>();
        for (var i = 0; i < records; i++)
        {
            var source = $"drainsrc{i:D2}";
            await cluster.Dovecot.AddUserAsync(source, "remote-" + source, Ct);
            await cluster.Dovecot.AddUserAsync($"drain{i:D2}", "local-password", Ct);
            await cluster.Dovecot.InjectManyAsync(source, Enumerable.Range(0, perAccount).Select(m => Message(source, m)), cancellationToken: Ct);
            expected[i] = Enumerable.Range(0, perAccount).Select(m => $"<{source}.{m}@example.org>").ToHashSet();
        }
        var total = records * perAccount;

        // Kill node 1 or 2 (node 0 is the seed the others rejoin through), whichever hosts more accounts.
        var stats = await Group.RegionStatsAsync(0);
        var victim = new[] { 1, 2 }.OrderByDescending(n => stats.Rows.Where(r => r.Node == Group.Address(n)).Sum(r => r.Accounts)).First();
        var accounts = await AddRecordsAsync("drain", records, proxy, "2s");
        var killedAt = 0;
        try
        {
            await EventuallyAsync(TimeSpan.FromSeconds(60), () => (killedAt = DeliveredFiles()) >= total / 4, () => $"{DeliveredFiles()} of {total} delivered",
                "a quarter of the messages delivered");
            Group.Node(victim).Kill();
            var killed = Stopwatch.StartNew();
            Note($"killed node {victim} with {killedAt} of {total} messages delivered and {proxy.ActiveConnections} sessions open");

            await EventuallyAsync(TimeSpan.FromSeconds(120), () => DeliveredFiles() >= total, () => $"{DeliveredFiles()} of {total} delivered",
                "every message delivered after the kill");
            Note($"all delivered {killed.Elapsed.TotalSeconds:0.0} s after the kill");
            await Task.Delay(TimeSpan.FromSeconds(3), Ct); // a duplicate still on its way would show now
            await EventuallyAsync(TimeSpan.FromSeconds(30), () => Enumerable.Range(0, records).All(i => RemoteCount($"drainsrc{i:D2}") == 0),
                () => string.Join(", ", Enumerable.Range(0, records).Select(i => RemoteCount($"drainsrc{i:D2}"))), "every remote mailbox drained");
            var twice = new List<string>();
            for (var i = 0; i < records; i++)
            {
                var ids = (await cluster.Dovecot.ListAsync($"drain{i:D2}", cancellationToken: Ct)).Select(m => m.MessageId).ToList();
                Assert.True(expected[i].SetEquals(ids), $"drain{i:D2}: missing {string.Join(", ", expected[i].Except(ids))}; unexpected {string.Join(", ", ids.Except(expected[i]))}");
                twice.AddRange(ids.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => $"drain{i:D2} {g.Key} x{g.Count()}"));
            }
            // The killed node left a batch delivered but not committed: the next owner finds its deliveries in flight and
            // asks Dovecot IMAP (the nodes' store) for their stamps instead of delivering them again.
            Assert.True(twice.Count == 0, $"{twice.Count} messages delivered twice after the kill: {string.Join(", ", twice.Take(5))}");
        }
        finally
        {
            await RemoveRecordsAsync(accounts, via: 0);
            await RestartAsync(victim);
        }
        Note($"took {watch.Elapsed.TotalSeconds:0.0} s");

        int DeliveredFiles() => Enumerable.Range(0, records).Sum(i => MaildirFiles($"drain{i:D2}"));
    }

    /// <summary>The failure of <paramref name="host"/> for every account as <c>rpoll hosts list</c> shows it (through node 2), once it is marked.</summary>
    private async Task<FailedHostView> FailedHostAsync(string host)
    {
        FailedHostView? found = null;
        await Group.EventuallyAsync(TimeSpan.FromSeconds(15), async () =>
        {
            var json = await Group.RpollOk(2, "hosts", "list", "--json");
            // The entry for every account ("NAME ADDRESS:PORT"), not one account's own ("... (account A only)").
            found = JsonSerializer.Deserialize<HostsView>(json, JsonSerializerOptions.Web)!.Hosts
                .FirstOrDefault(h => h.Host.StartsWith(host + " ", StringComparison.Ordinal) && !h.Host.Contains("(account", StringComparison.Ordinal));
            return (found is not null, json);
        }, $"{host} is listed as failed");
        return found!;
    }

    /// <summary>Brings a killed node back once the survivors have removed it, and waits for a three-node cluster again.</summary>
    private async Task RestartAsync(int node)
    {
        if (!Group.Node(node).HasExited) return;
        await Group.EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
        {
            var c = await Group.ClusterAsync(0);
            return (c.Members.All(m => m.Address != Group.Address(node)), string.Join(", ", c.Members.Select(m => $"{m.Address} {m.Status}")));
        }, $"node {node} is removed");
        await Group.Node(node).DisposeAsync();
        await Group.StartAsync(node);
        for (var n = 0; n < 3; n++) await cluster.WaitForThreeMembersAsync(n);
    }

    /// <summary>Messages in a Dovecot user's INBOX, counted on disk (cheaper than doveadm while polling).</summary>
    private int MaildirFiles(string user) =>
        new[] { "new", "cur" }.Select(d => Path.Combine(cluster.Dovecot.MailRoot, user, "Maildir", d))
            .Sum(d => Directory.Exists(d) ? Directory.GetFiles(d).Length : 0);

    private int RemoteCount(string user) => MaildirFiles(user);

    private static byte[] Message(string source, int n) => Encoding.ASCII.GetBytes(
        $"Return-Path: <sender@example.org>\r\nFrom: sender@example.org\r\nTo: {source}@example.net\r\nSubject: {source} {n}\r\n" +
        $"Message-ID: <{source}.{n}@example.org>\r\n\r\nBody {n} of {source}.\r\n{new string('x', 2000)}\r\n");

    /// <summary>
    /// Accounts PREFIXnn@example.com, each with record "r" polling Dovecot user PREFIXsrcnn (created, empty) through
    /// <paramref name="proxy"/>; the records are set through the three nodes in turn.
    /// </summary>
    private async Task<string[]> AddRecordsAsync(string prefix, int count, TcpProxy proxy, string every)
    {
        var accounts = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D2}@example.com").ToArray();
        for (var i = 0; i < count; i++) await cluster.Dovecot.AddUserAsync($"{prefix}src{i:D2}", $"remote-{prefix}src{i:D2}", Ct);
        for (var n = 0; n < 3; n++)
        {
            var node = n;
            await Group.RpollScript(node, Enumerable.Range(0, count).Where(i => i % 3 == node).Select(i => SetLine(accounts[i], $"{prefix}src{i:D2}", proxy, every)));
        }
        return accounts;
    }

    private async Task AddRecordAsync(string account, string source, TcpProxy proxy, string every)
    {
        await cluster.Dovecot.AddUserAsync(source, "remote-" + source, Ct);
        await Group.RpollScript(0, [SetLine(account, source, proxy, every)]);
    }

    private static string SetLine(string account, string source, TcpProxy proxy, string every) =>
        $"cgp SETACCOUNTRPOPS {account} '{{r={{domain=\"{proxy.Host}:{proxy.Port}\";authName={source};password=\"remote-{source}\";period=\"{every}\";}};}}'";

    private Task RemoveRecordsAsync(IEnumerable<string> accounts, int via = 1) =>
        Group.RpollScript(via, accounts.Select(a => $"rpop remove {a} r"));

    /// <summary>Polls each account's record "r" now (through the nodes in turn) and returns the source address the proxy saw.</summary>
    private async Task<List<string>> PollFromAsync(TcpProxy proxy, string[] accounts)
    {
        var seen = new List<string>();
        for (var i = 0; i < accounts.Length; i++)
        {
            var before = proxy.ClientAddresses.Count;
            var poll = await Group.Rpoll(i % 3, null, "rpop", "poll", accounts[i], "r", "--wait");
            Assert.True(poll.ExitCode == 0, $"{accounts[i]}: {poll.StandardOutput}{poll.StandardError}");
            var from = proxy.ClientAddresses.Skip(before).ToList();
            Assert.True(from.Count == 1, $"{accounts[i]}: {from.Count} connections for one poll");
            seen.Add(from[0].ToString());
        }
        return seen;
    }

    /// <summary>Checks <paramref name="condition"/> every 200 ms; fails with <paramref name="state"/> and the nodes' logs.</summary>
    private async Task<TimeSpan> EventuallyAsync(TimeSpan timeout, Func<bool> condition, Func<string> state, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout) Assert.Fail($"{what}: not within {timeout.TotalSeconds} s; {state()}\n{Group.Logs()}");
            await Task.Delay(200, Ct);
        }
        return watch.Elapsed;
    }
}
