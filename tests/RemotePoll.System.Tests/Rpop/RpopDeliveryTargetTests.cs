using System.Text;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Nodes;

namespace RemotePoll.System.Tests.Rpop;

/// <summary>
/// The node's delivery targets chosen by its options: the queue path over LMTP into Dovecot (rules apply there),
/// and direct Mailbox stores by IMAP APPEND as Dovecot's master user (credentials from the environment).
/// </summary>
public sealed class RpopDeliveryTargetTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-targets-").FullName;
    private readonly int _port = FreePorts.Take(1)[0];
    private DovecotServer _dovecot = null!;
    private NodeProcess _node = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _dovecot = await DovecotServer.StartAsync(cancellationToken: Ct);
        _node = await NodeProcess.StartAsync(_data, _port,
            ["--deliver", $"lmtp://127.0.0.1:{_dovecot.LmtpPort}", "--store", $"imap://127.0.0.1:{_dovecot.ImapPort}"],
            new Dictionary<string, string> { ["RPOLL_STORE_USER"] = _dovecot.MasterUser, ["RPOLL_STORE_PASSWORD"] = _dovecot.MasterPassword });
        // The test Dovecot listens on this machine: polling it is a self-poll the module refuses by default.
        Assert.Equal(0, (await Rpoll(null, "module", "set", "allow-self-poll", "yes")).ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await _dovecot.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private Task<Testing.Processes.CommandResult> Rpoll(string? stdin, params string[] args) => RpollCli.RunAsync(_port, stdin, args);

    private static byte[] Message(int n) => Encoding.ASCII.GetBytes(
        $"Return-Path: <sender{n}@example.org>\r\nFrom: sender{n}@example.org\r\nTo: someone@example.net\r\nSubject: target {n}\r\n\r\nBody {n}.\r\n");

    [Fact]
    public async Task Without_Mailbox_messages_go_through_LMTP_to_the_local_account()
    {
        await _dovecot.AddUserAsync("remote1", "pw1", Ct);
        await _dovecot.AddUserAsync("local1", "unused", Ct);
        for (var i = 0; i < 4; i++) await _dovecot.InjectAsync("remote1", Message(i), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw1\n", "rpop", "set", "local1@example.com", "r", "--host", $"127.0.0.1:{_dovecot.Pop3Port}",
            "--user", "remote1", "--password-stdin", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "local1@example.com", "r", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(4, await _dovecot.CountAsync("local1", cancellationToken: Ct));
        Assert.Equal(0, await _dovecot.CountAsync("remote1", cancellationToken: Ct));
        // The envelope sender came from Return-Path, which Dovecot's LMTP recreated at final delivery.
        var texts = (await _dovecot.ListAsync("local1", cancellationToken: Ct)).Select(m => m.Text).ToList();
        Assert.All(texts, t => Assert.Single(t.Split('\n'), l => l.StartsWith("Return-Path:", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task An_unknown_local_account_leaves_the_mail_on_the_server_with_the_reason()
    {
        await _dovecot.AddUserAsync("remote2", "pw2", Ct);
        await _dovecot.InjectAsync("remote2", Message(1), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw2\n", "rpop", "set", "nobody-here@example.com", "r", "--host", $"127.0.0.1:{_dovecot.Pop3Port}",
            "--user", "remote2", "--password-stdin", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "nobody-here@example.com", "r", "--wait");
        Assert.Equal(1, poll.ExitCode);
        Assert.Contains("LocalDeliveryFailed", poll.StandardOutput);
        Assert.Contains("5.1.1", poll.StandardOutput);
        Assert.Equal(1, await _dovecot.CountAsync("remote2", cancellationToken: Ct));
    }

    [Fact]
    public async Task Mailbox_is_stored_by_IMAP_APPEND_into_the_local_server()
    {
        await _dovecot.AddUserAsync("remote3", "pw3", Ct);
        await _dovecot.AddUserAsync("local3", "unused", Ct);
        for (var i = 0; i < 3; i++) await _dovecot.InjectAsync("remote3", Message(i), cancellationToken: Ct);
        Assert.Equal(0, (await Rpoll("pw3\n", "rpop", "set", "local3@example.com", "r", "--host", $"127.0.0.1:{_dovecot.Pop3Port}",
            "--user", "remote3", "--password-stdin", "--mailbox", "Fetched", "--every", "disabled")).ExitCode);

        var poll = await Rpoll(null, "rpop", "poll", "local3@example.com", "r", "--wait");
        Assert.True(poll.ExitCode == 0, poll.StandardOutput + poll.StandardError);
        Assert.Equal(3, await _dovecot.CountAsync("local3", "Fetched", Ct));
        Assert.Equal(0, await _dovecot.CountAsync("local3", cancellationToken: Ct));
        Assert.DoesNotContain(_dovecot.MasterPassword, _node.Log);
    }
}
