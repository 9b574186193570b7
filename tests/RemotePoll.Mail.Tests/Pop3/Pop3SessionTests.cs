using System.Diagnostics;
using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Pop3;
using RemotePoll.Mail.Net;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;
using Xunit;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>The POP3 session against a real Dovecot on loopback: listing, retrieval, deletion, QUIT, failures.</summary>
[Integration]
public sealed class Pop3SessionTests(DovecotFixture fixture) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string NewUser() => "u" + Guid.NewGuid().ToString("N")[..10];

    internal static byte[] Message(string subject, string body = "hello\r\n") =>
        Encoding.ASCII.GetBytes($"From: a@example.org\r\nTo: b@example.org\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\n{body}");

    private Pop3SessionOptions Options(int? port = null) => new()
    {
        Host = new HostAndPort(Server.Host, port ?? Server.Pop3Port),
        CommandTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private async Task<(string User, string Password)> NewAccountAsync(params byte[][] messages)
    {
        var user = NewUser();
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        await Server.AddUserAsync(user, password, Ct);
        await Server.InjectManyAsync(user, messages, cancellationToken: Ct);
        return (user, password);
    }

    [Fact]
    public async Task Lists_fetches_exact_bytes_and_deletes_only_what_QUIT_commits()
    {
        var messages = new[] { Message("one"), Message("two", "line\r\n.starts with a dot\r\n"), Message("three") };
        var (user, password) = await NewAccountAsync(messages);

        await using (var session = await Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, password), cancellationToken: Ct))
        {
            Assert.Equal(3, session.Count);
            var uids = await session.ListUidsAsync(Ct);
            Assert.Equal(3, uids.Distinct().Count());
            var sizes = await session.ListSizesAsync(Ct);
            Assert.Equal(messages.Select(m => (long)m.Length), sizes);

            var fetched = await session.FetchAsync([2, 0, 1], Ct);
            Assert.Equal([2, 0, 1], fetched.Select(f => f.Index));
            Assert.Equal(messages[2], fetched[0].Data);
            Assert.Equal(messages[0], fetched[1].Data);
            Assert.Equal(messages[1], fetched[2].Data);

            await session.DeleteAsync([0, 1], Ct);
            await session.QuitAsync(Ct);
        }

        var left = await Server.ListAsync(user, cancellationToken: Ct);
        Assert.Equal("three", left.Single().Subject);
    }

    [Fact]
    public async Task Sizes_and_UIDs_still_cover_every_message_when_asked_after_a_deletion()
    {
        var (user, password) = await NewAccountAsync(Message("a"), Message("b"));
        await using var session = await Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, password), cancellationToken: Ct);
        await session.DeleteAsync([0], Ct);
        Assert.Equal(2, (await session.ListSizesAsync(Ct)).Count);
        Assert.Equal(2, (await session.ListUidsAsync(Ct)).Count);
    }

    [Fact]
    public async Task Deletions_without_QUIT_are_not_committed()
    {
        var (user, password) = await NewAccountAsync(Message("a"), Message("b"));
        await using (var session = await Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, password), cancellationToken: Ct))
        {
            await session.FetchAsync([0, 1], Ct);
            await session.DeleteAsync([0, 1], Ct);
        }
        Assert.Equal(2, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_of_retrievals_goes_out_pipelined_in_one_write()
    {
        var messages = Enumerable.Range(0, 200).Select(i => Message($"m{i}")).ToArray();
        var (user, password) = await NewAccountAsync(messages);
        var log = new RecordingProtocolLog();
        await using var session = await Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, password), log, Ct);
        Assert.True(session.SupportsPipelining);

        var fetched = await session.FetchAsync(Enumerable.Range(0, 200).ToArray(), Ct);

        Assert.Equal(messages, fetched.Select(f => f.Data));
        Assert.Contains(log.SentChunks, chunk => chunk.Split("RETR ").Length - 1 == 200);
        await session.QuitAsync(Ct);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_before_retrieval_and_the_session_stays_usable()
    {
        var big = Message("big", string.Concat(Enumerable.Repeat("x".PadRight(70, 'x') + "\r\n", 100)));
        var (user, password) = await NewAccountAsync(Message("small"), big);
        var log = new RecordingProtocolLog();
        await using var session = await Pop3Session.OpenAsync(Options() with { MaxMessageSize = 2000 },
            new Pop3Credentials(user, password), log, Ct);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => session.FetchAsync([0, 1], Ct));

        Assert.Equal(PollErrorKind.MessageTooLarge, error.Kind);
        Assert.Equal(1, error.MessageIndex);
        Assert.True(error.SessionUsable);
        Assert.DoesNotContain(log.SentLines, l => l.StartsWith("RETR", StringComparison.Ordinal));
        Assert.Equal(Message("small"), (await session.FetchAsync([0], Ct)).Single().Data);
        await session.QuitAsync(Ct);
    }

    /// <summary>About 200 KB of lines that start with dots in every way, blank lines, long lines and 8-bit bytes, CRLF throughout.</summary>
    internal static byte[] DotLines(string subject)
    {
        string[] kinds = [".", "..", "...", ".x", "x.", "", " .", ". ", new string('.', 900), "\u00e9t\u00e9 \u00ff\u0080", new string('y', 990)];
        var body = string.Concat(Enumerable.Range(0, 1200).Select(i => kinds[i % kinds.Length] + "\r\n"));
        return Encoding.Latin1.GetBytes($"From: a@example.org\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\n{body}.\r\n");
    }

    [Fact]
    public async Task A_200_KB_message_of_dot_lines_comes_back_byte_for_byte_with_its_CRLFs_and_only_its_size_is_logged()
    {
        var messages = new[] { DotLines("first"), Message("small"), DotLines("second") };
        Assert.InRange(messages[0].Length, 190_000, 260_000);
        var (user, password) = await NewAccountAsync(messages);
        var log = new RecordingProtocolLog();
        await using var session = await Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, password), log, Ct);

        var fetched = await session.FetchAsync([0, 1, 2], Ct);

        Assert.Equal(messages, fetched.Select(f => f.Data));
        Assert.DoesNotContain("Message-ID: <second@test>", log.AllText);
        Assert.Contains($"({messages[2].Length} octets of message data, not logged)", log.AllText);
        Assert.DoesNotContain(password, log.AllText);
        await session.QuitAsync(Ct);
    }

    [Fact]
    public async Task A_message_exactly_at_the_size_limit_is_fetched_and_one_byte_over_is_refused()
    {
        var exact = DotLines("exact");
        byte[] over = [.. exact[..^2], (byte)'x', (byte)'\r', (byte)'\n'];
        Assert.Equal(exact.Length + 1, over.Length);
        var (user, password) = await NewAccountAsync(exact, over);
        await using var session = await Pop3Session.OpenAsync(Options() with { MaxMessageSize = exact.Length },
            new Pop3Credentials(user, password), cancellationToken: Ct);

        Assert.Equal(exact, (await session.FetchAsync([0], Ct)).Single().Data);
        var error = await Assert.ThrowsAsync<RemotePollException>(() => session.FetchAsync([1], Ct));

        Assert.Equal(PollErrorKind.MessageTooLarge, error.Kind);
        Assert.Equal(1, error.MessageIndex);
        Assert.True(error.SessionUsable);
        await session.QuitAsync(Ct);
    }

    [Fact]
    public async Task Wrong_password_is_AuthenticationFailed_and_the_message_hides_the_password()
    {
        var (user, _) = await NewAccountAsync();
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(Options(), new Pop3Credentials(user, "not-the-password-42"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.Contains("-ERR", error.Message);
        Assert.DoesNotContain("not-the-password-42", error.ToString());
    }

    [Fact]
    public async Task Connection_refused_is_ConnectionFailed()
    {
        var closedPort = FreePorts.Take(1)[0];
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RemotePollException>(() =>
            Pop3Session.OpenAsync(Options(closedPort), new Pop3Credentials("x", "y"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("refused", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_source_address_that_is_not_local_is_ConnectionFailed()
    {
        var error = await Assert.ThrowsAsync<RemotePollException>(() => Pop3Session.OpenAsync(
            Options() with { SourceAddress = System.Net.IPAddress.Parse("192.0.2.1") }, new Pop3Credentials("x", "y"), cancellationToken: Ct));
        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("192.0.2.1", error.Message);
    }

    [Fact]
    public async Task The_session_connects_from_the_configured_source_address()
    {
        var (user, password) = await NewAccountAsync(Message("a"));
        await using var session = await Pop3Session.OpenAsync(Options() with { SourceAddress = System.Net.IPAddress.Loopback },
            new Pop3Credentials(user, password), cancellationToken: Ct);
        await session.QuitAsync(Ct);
        var line = await Server.WaitForLogAsync($"user=<{user}>", cancellationToken: Ct);
        Assert.Contains("rip=127.0.0.1", line);
    }

    [Fact]
    public async Task Connection_lost_mid_drain_is_ConnectionLost_and_nothing_is_deleted()
    {
        var body = string.Concat(Enumerable.Repeat("0123456789".PadRight(76, '.') + "\r\n", 300));
        var messages = Enumerable.Range(0, 20).Select(i => Message($"m{i}", body)).ToArray();
        var (user, password) = await NewAccountAsync(messages);
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        await using var session = await Pop3Session.OpenAsync(Options(proxy.Port), new Pop3Credentials(user, password), cancellationToken: Ct);
        await session.DeleteAsync([0], Ct);
        proxy.DropAfterServerBytes(100_000);

        var error = await Assert.ThrowsAsync<RemotePollException>(() => session.FetchAsync(Enumerable.Range(0, 20).ToArray(), Ct));

        Assert.True(error.Kind == PollErrorKind.ConnectionLost, error.ToString());
        Assert.False(error.SessionUsable);
        var after = await Assert.ThrowsAsync<RemotePollException>(() => session.ListUidsAsync(Ct));
        Assert.Equal(PollErrorKind.ConnectionLost, after.Kind);
        Assert.Equal(20, await Server.CountAsync(user, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_server_that_resets_every_connection_at_once_is_always_ConnectionFailed()
    {
        // The reset can arrive before the session has even looked at the socket: that too is a refused connection (Delay
        // Failed Hosts counts it), never an unclassified socket error.
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        proxy.RejectNewConnections = true;
        var kinds = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                await using var session = await Pop3Session.OpenAsync(Options(proxy.Port), new Pop3Credentials("nobody", "x"), cancellationToken: Ct);
                kinds.Add("opened");
            }
            catch (RemotePollException e)
            {
                kinds.Add(e.Kind.ToString());
            }
            catch (Exception e)
            {
                kinds.Add(e.GetType().Name + ": " + e.Message);
            }
        }
        Assert.Equal(300, proxy.ConnectionAttempts);
        Assert.All(kinds, k => Assert.Equal(nameof(PollErrorKind.ConnectionFailed), k));
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_ConnectionLost_within_the_command_timeout()
    {
        var (user, password) = await NewAccountAsync(Message("a"));
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        // 3 s, not 1: the login itself runs under the same timeout, and a loaded CI machine's Dovecot took over 1 s to log in.
        await using var session = await Pop3Session.OpenAsync(Options(proxy.Port) with { CommandTimeout = TimeSpan.FromSeconds(3) },
            new Pop3Credentials(user, password), cancellationToken: Ct);
        proxy.StallAfterServerBytes(0);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RemotePollException>(() => session.FetchAsync([0], Ct));

        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_OperationCanceled_and_closes_the_session()
    {
        var (user, password) = await NewAccountAsync(Message("a"));
        await using var proxy = TcpProxy.Start(Server.Host, Server.Pop3Port);
        await using var session = await Pop3Session.OpenAsync(Options(proxy.Port), new Pop3Credentials(user, password), cancellationToken: Ct);
        proxy.StallAfterServerBytes(0);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(200);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.FetchAsync([0], cts.Token));
        var after = await Assert.ThrowsAsync<RemotePollException>(() => session.FetchAsync([0], Ct));
        Assert.Equal(PollErrorKind.ConnectionLost, after.Kind);
    }
}
