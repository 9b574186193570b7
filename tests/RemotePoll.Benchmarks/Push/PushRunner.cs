using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using RemotePoll.Benchmarks.Scale;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.Benchmarks.Push;

/// <summary>
/// <c>remotepoll-bench push [messages] [held…]</c> (issue 20): a real node and a private Dovecot. Latency: one push record;
/// messages appended to the remote INBOX over IMAP (a second connection, as the remote user) 100–250 ms apart; for each,
/// the time from the APPEND's OK (the message is on the remote side) to its file in the local Maildir; p50/p99/max. Memory:
/// the node's RSS and managed heap with no record, then with each held count of push records (one Dovecot user each, plus
/// the latency record; each record in an account of its own, an account holds at most 100), then with the same records and <c>push-connections 0</c> (none held). Measures only; asserts nothing.
/// </summary>
internal static class PushRunner
{
    private const string Owner = "owner@example.com";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var messages = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var held = args.Count > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [50, 100];
        var data = Directory.CreateTempSubdirectory("rpoll-bench-push-").FullName;
        try
        {
            await using var dovecot = await DovecotServer.StartAsync();
            await using var node = await ScaleNode.StartAsync(data, dovecot.CaCertificatePath, database: null);
            await node.CliAsync("module", "set", "allow-self-poll", "yes");
            await node.CliAsync("module", "set", "push-connections", (held.DefaultIfEmpty(0).Max() + 1).ToString(CultureInfo.InvariantCulture));
            Console.WriteLine($"push benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {Load()}");

            var memory = new List<(int Held, long Rss, long Heap)> { await MemoryAsync(node, 0) };
            await LatencyAsync(dovecot, node, data, messages);
            var records = 1;
            foreach (var n in held)
            {
                for (; records <= n; records++) await AddPushRecordAsync(dovecot, node, $"held{records}", $"held{records}@example.com");
                await WaitAsync(async () => await PushHeldAsync(node) >= n + 1, $"{n + 1} push connections held", TimeSpan.FromMinutes(10));
                memory.Add(await MemoryAsync(node, n));
            }
            // The same records with push off cluster-wide: what the held connections cost beyond the records themselves.
            await node.CliAsync("module", "set", "push-connections", "0");
            await WaitAsync(async () => await PushHeldAsync(node) == 0, "every push connection closed", TimeSpan.FromMinutes(2));
            var unheld = await MemoryAsync(node, 0);
            Console.WriteLine($"no record, nothing held: RSS {Mib(memory[0].Rss)}, managed heap {Mib(memory[0].Heap)}");
            foreach (var (n, rss, heap) in memory.Skip(1))
                Console.WriteLine($"{n + 1} records, {n + 1} push connections held: RSS {Mib(rss)}, managed heap {Mib(heap)}; " +
                    $"per connection vs no record: RSS {(rss - memory[0].Rss) / 1024.0 / (n + 1):F0} KiB, heap {(heap - memory[0].Heap) / 1024.0 / (n + 1):F0} KiB");
            if (memory.Count > 1)
            {
                var (last, rss, heap) = memory[^1];
                Console.WriteLine($"the same {last + 1} records, push-connections 0 (none held): RSS {Mib(unheld.Rss)}, managed heap {Mib(unheld.Heap)}; " +
                    $"per connection held vs not: RSS {(rss - unheld.Rss) / 1024.0 / (last + 1):F0} KiB, heap {(heap - unheld.Heap) / 1024.0 / (last + 1):F0} KiB");
            }
            Console.WriteLine($"load average at the end {Load()}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task LatencyAsync(DovecotServer dovecot, ScaleNode node, string data, int messages)
    {
        await AddPushRecordAsync(dovecot, node, "latency", Owner);
        await WaitAsync(async () => await PushHeldAsync(node) >= 1, "the latency record's push connection", TimeSpan.FromMinutes(2));
        var local = Path.Combine(data, "mail", "example.com", "owner", "Maildir", ".latency.INBOX");
        // Arrival lies between the APPEND sent and its OK read; under load the runner may read the OK late, so both bounds.
        var sent = new DateTimeOffset[messages];
        var saved = new DateTimeOffset[messages];
        var arrived = new DateTimeOffset?[messages];
        using var stop = new CancellationTokenSource();
        // Files arrive in UID order: the i-th file is the i-th message.
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var count = Math.Min(messages, Count(local));
                for (var i = 0; i < count; i++) arrived[i] ??= DateTimeOffset.UtcNow;
                await Task.Delay(5);
            }
        });
        using var remote = new ImapClient();
        await remote.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.None);
        await remote.AuthenticateAsync("latency", "pw");
        var random = new Random(20);
        for (var i = 0; i < messages; i++)
        {
            using var message = MimeMessage.Load(new MemoryStream(Message($"latency-{i}")));
            sent[i] = DateTimeOffset.UtcNow;
            await remote.Inbox.AppendAsync(message, MessageFlags.None);
            saved[i] = DateTimeOffset.UtcNow;
            await Task.Delay(random.Next(100, 251));
        }
        await remote.DisconnectAsync(true);
        await WaitAsync(() => Task.FromResult(arrived[^1] is not null), "the last message mirrored", TimeSpan.FromMinutes(2));
        stop.Cancel();
        await watching;
        Report("APPEND's OK", saved, arrived, messages);
        Report("APPEND sent", sent, arrived, messages);
    }

    private static void Report(string from, DateTimeOffset[] start, DateTimeOffset?[] arrived, int messages)
    {
        var latencies = Enumerable.Range(0, messages).Select(i => (arrived[i]!.Value - start[i]).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"push latency, remote {from} to local file, {messages} messages 100-250 ms apart: " +
            $"p50 {Percentile(latencies, 0.50):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms, max {latencies[^1]:F0} ms, min {latencies[0]:F0} ms");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task AddPushRecordAsync(DovecotServer dovecot, ScaleNode node, string name, string account)
    {
        await dovecot.AddUserAsync(name, "pw");
        var r = await RpollCli.RunAsync(node.Port, "pw\n", "rimap", "set", account, name, "--host", $"127.0.0.1:{dovecot.ImapPort}", "--user", name,
            "--password-stdin", "--security", "starttls", "--auth", "encrypted", "--every", "30m", "--push", "yes");
        if (r.ExitCode != 0) throw new InvalidOperationException($"rimap set {name}: {r.StandardError.Trim()}");
    }

    private static async Task<(int Held, long Rss, long Heap)> MemoryAsync(ScaleNode node, int held)
    {
        await Task.Delay(TimeSpan.FromSeconds(5)); // let first polls and start-up settle
        // The heap is read without a collection: the smallest of five readings is the one with the least garbage.
        var heap = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            using var doc = JsonDocument.Parse(await node.CliAsync("node", "stats", "--json"));
            heap = Math.Min(heap, doc.RootElement.GetProperty("managedHeapBytes").GetInt64());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        return (held, node.Rss(), heap);
    }

    private static async Task<int> PushHeldAsync(ScaleNode node)
    {
        using var doc = JsonDocument.Parse(await node.CliAsync("node", "stats", "--json"));
        return doc.RootElement.GetProperty("pushHeld").GetInt32();
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"not within {limit}: {what}");
            await Task.Delay(200);
        }
    }

    private static int Count(string dir) =>
        new[] { "new", "cur" }.Select(d => Path.Combine(dir, d)).Where(Directory.Exists).Sum(d => Directory.GetFiles(d).Length);

    private static byte[] Message(string tag) => Encoding.ASCII.GetBytes(
        $"From: a@example.org\r\nTo: b@example.net\r\nSubject: {tag}\r\nMessage-ID: <{tag}.{Guid.NewGuid():N}@example.org>\r\n\r\nBody.\r\n");

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[..3] is var l ? string.Join(' ', l) : "";
}
