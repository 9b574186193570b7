using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Security;

/// <summary>
/// Issue 16.3 through a real node and rpoll: a domain administrator moves a user's record to a server they run without
/// giving a password. The record's password is void, its poll fails with a clear error and sends nothing (the server
/// sees no connection); once a password is given again, that password, and only it, reaches the new host.
/// </summary>
public sealed class RecordRetargetTests() : DovecotNodeTest("retarget")
{
    private const string Account = "user@example.com";

    [Fact]
    public async Task A_host_change_without_password_sends_nothing_to_the_new_host_and_the_poll_says_why()
    {
        await Dovecot.AddUserAsync("victim", "victim-Secret-7", Ct);
        var saved = await Rpoll("victim-Secret-7\n", "rpop", "set", Account, "home", "--user", "victim", "--password-stdin",
            "--host", $"127.0.0.1:{Dovecot.Pop3Port}", "--every", "disabled", "--leave", "yes");
        Assert.True(saved.ExitCode == 0, saved.StandardError);
        Assert.Equal(0, (await Rpoll(null, "rpop", "poll", Account, "home", "--wait")).ExitCode);

        var domainToken = (await Rpoll(null, "token", "issue", "--role", "domain", "--domain", "example.com")).StandardOutput.Trim();
        await using var attacker = RecordingPop3.Start();
        var moved = await RpollCli.RunWithTokenAsync(Port, domainToken, null, "rpop", "set", Account, "home", "--host", $"127.0.0.1:{attacker.Port}");
        Assert.True(moved.ExitCode == 0, moved.StandardError);

        var poll = await Rpoll(null, "rpop", "poll", Account, "home", "--wait");
        Assert.Equal(4, poll.ExitCode); // the poll ran and failed (exit 4), it was not refused by the cluster
        Assert.Contains("password required after host change", poll.StandardOutput);
        Assert.Equal(0, attacker.Connections);
        Assert.Empty(attacker.Passwords);
        Assert.Contains("password required after host change", (await Rpoll(null, "rpop", "list", Account)).StandardOutput);

        var again = await Rpoll("given-for-the-new-host\n", "rpop", "set", Account, "home", "--password-stdin");
        Assert.True(again.ExitCode == 0, again.StandardError);
        await Rpoll(null, "rpop", "poll", Account, "home", "--wait");
        Assert.Equal(["given-for-the-new-host"], attacker.Passwords.ToArray());
    }

    /// <summary>A POP3 server that accepts any login with an empty maildrop and keeps every PASS it is sent.</summary>
    private sealed class RecordingPop3 : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _connections;

        public ConcurrentQueue<string> Passwords { get; } = new();
        public int Connections => Volatile.Read(ref _connections);
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static RecordingPop3 Start()
        {
            var s = new RecordingPop3();
            s._listener.Start();
            s._loop = s.AcceptAsync();
            return s;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(client);
                }
            }
            catch (OperationCanceledException) { }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("+OK ready");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    if (verb == "PASS") Passwords.Enqueue(line.Length > 5 ? line[5..] : "");
                    var answer = verb switch
                    {
                        "CAPA" => "+OK\r\nUSER\r\nUIDL\r\n.",
                        "STAT" => "+OK 0 0",
                        "UIDL" or "LIST" => "+OK\r\n.",
                        "QUIT" => "+OK bye",
                        "USER" or "PASS" or "NOOP" => "+OK",
                        _ => "-ERR unknown",
                    };
                    await writer.WriteLineAsync(answer);
                    if (verb == "QUIT") return;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
        }
    }
}
