using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Pop3;
using Xunit;
using static RemotePoll.Mail.Tests.Pop3.HostilePop3Server;

namespace RemotePoll.Mail.Tests.Pop3;

/// <summary>Misbehaviour no real server shows on demand: every case ends in a typed error within the timeout, never a hang.</summary>
public sealed class Pop3HostileServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(6);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Pop3SessionOptions Options(HostilePop3Server server) => new()
    {
        Host = new HostAndPort("127.0.0.1", server.Port),
        CommandTimeout = Timeout,
        ConnectTimeout = Timeout,
    };

    private static async Task<RemotePollException> FailsWithin(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RemotePollException>(action);
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
        return error;
    }

    private static Task<Pop3Session> Open(HostilePop3Server server, Pop3SessionOptions? options = null, IProtocolLog? log = null) =>
        Pop3Session.OpenAsync(options ?? Options(server), new Pop3Credentials("joe", "secret"), log, Ct);

    [Fact]
    public async Task A_greeting_that_is_not_POP3_is_ProtocolError()
    {
        await using var server = new HostilePop3Server(c => c.SendAsync("220 smtp.example.org ESMTP\r\n"));
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
    }

    [Fact]
    public async Task An_error_greeting_is_ConnectionFailed_quoting_the_server()
    {
        await using var server = new HostilePop3Server(c => c.SendAsync("-ERR [SYS/TEMP] too many connections\r\n"));
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
        Assert.Contains("too many connections", error.Message);
    }

    [Fact]
    public async Task A_server_that_never_greets_is_ConnectionFailed_within_the_timeout()
    {
        await using var server = new HostilePop3Server(c => c.StaySilentAsync());
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
    }

    [Fact]
    public async Task An_endless_line_without_CRLF_is_ProtocolError_not_unbounded_memory()
    {
        await using var server = new HostilePop3Server(async c =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('A', 64 * 1024));
            await c.SendAsync("+OK ");
            while (!c.Stopping.IsCancellationRequested) await c.SendAsync(chunk);
        });
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.Contains("longer than", error.Message);
    }

    [Fact]
    public async Task A_line_trickled_byte_by_byte_still_ends_at_the_command_timeout()
    {
        await using var server = new HostilePop3Server(async c =>
        {
            await c.SendAsync("+OK ");
            while (!c.Stopping.IsCancellationRequested)
            {
                await c.SendAsync("A");
                await Task.Delay(100, c.Stopping);
            }
        });
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(PollErrorKind.ConnectionFailed, error.Kind);
    }

    [Fact]
    public async Task A_server_that_stops_answering_after_login_is_ConnectionLost()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("RETR", StringComparison.Ordinal)) return false;
            await c.StaySilentAsync();
            return true;
        }));
        await using var session = await Open(server);
        var error = await FailsWithin(() => session.FetchAsync([0], Ct));
        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
    }

    [Fact]
    public async Task A_truncated_multi_line_answer_is_ConnectionLost()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a"), Pop3Message("b")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("RETR", StringComparison.Ordinal)) return false;
            await c.SendAsync("+OK\r\nSubject: a\r\n\r\nhalf of the bo");
            c.Abort();
            return true;
        }));
        await using var session = await Open(server);
        var error = await FailsWithin(() => session.FetchAsync([0, 1], Ct));
        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
    }

    [Fact]
    public async Task A_server_sending_far_more_than_it_listed_is_cut_off_as_MessageTooLarge()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("RETR", StringComparison.Ordinal)) return false;
            await c.SendAsync("+OK\r\n");
            var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("more and more data\r\n", 1000)));
            while (!c.Stopping.IsCancellationRequested) await c.SendAsync(lines);
            return true;
        }));
        await using var session = await Open(server);
        var error = await FailsWithin(() => session.FetchAsync([0], Ct));
        Assert.Equal(PollErrorKind.MessageTooLarge, error.Kind);
        Assert.Equal(0, error.MessageIndex);
    }

    [Fact]
    public async Task A_pipelined_batch_whose_sizes_LIST_understates_is_cut_by_the_bytes_read_not_by_what_LIST_claimed()
    {
        // Issue 16.8: LIST claims 100 octets for each of 40 messages; every RETR streams 2 MB. The batch's byte budget
        // comes from LIST (plus stuffing and status lines), and the bytes actually read are counted against it.
        const int count = 40;
        const int perMessage = 2 * 1024 * 1024;
        long sent = 0;
        var drop = new Maildrop { Messages = [.. Enumerable.Range(0, count).Select(i => Pop3Message("m" + i))] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line == "LIST")
            {
                await c.SendAsync("+OK\r\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"{i} 100\r\n")) + ".\r\n");
                return true;
            }
            if (!line.StartsWith("RETR", StringComparison.Ordinal)) return false;
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('x', 1022) + "\r\n", 64)));
            await c.SendAsync("+OK\r\n");
            for (var n = 0; n < perMessage; n += chunk.Length)
            {
                await c.SendAsync(chunk);
                Interlocked.Add(ref sent, chunk.Length);
            }
            await c.SendAsync(".\r\n");
            return true;
        }));
        await using var session = await Open(server, Options(server) with { CommandTimeout = TimeSpan.FromSeconds(5) });

        var error = await FailsWithin(() => session.FetchAsync([.. Enumerable.Range(0, count)], Ct));

        Assert.Equal(PollErrorKind.MessageTooLarge, error.Kind);
        // What the server got out before the cut is bounded by the budget plus the loopback socket buffers, far below 80 MB.
        Assert.True(Interlocked.Read(ref sent) < count * (long)perMessage / 4, $"{Interlocked.Read(ref sent)} bytes sent");
    }

    [Fact]
    public async Task A_message_arriving_over_the_limit_is_MessageTooLarge_and_the_session_stays_in_step()
    {
        var large = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(".dotted line of the large message\r\n", 60));
        var drop = new Maildrop { Messages = [large, Pop3Message("b")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            // LIST understates the first message, so it passes the check before retrieval.
            if (line != "LIST") return false;
            await c.SendAsync("+OK\r\n1 100\r\n2 " + drop.Messages[1].Length + "\r\n.\r\n");
            return true;
        }));
        await using var session = await Open(server, Options(server) with { MaxMessageSize = 1000 });

        var error = await FailsWithin(() => session.FetchAsync([0, 1], Ct));

        Assert.Equal(PollErrorKind.MessageTooLarge, error.Kind);
        Assert.Equal(0, error.MessageIndex);
        Assert.True(error.SessionUsable);
        Assert.Contains($"arrived with {large.Length} bytes", error.Message);
        Assert.Equal(Encoding.ASCII.GetBytes(Pop3Message("b")), (await session.FetchAsync([1], Ct)).Single().Data);
        await session.DeleteAsync([1], Ct);
        await session.QuitAsync(Ct);
        Assert.Contains("DELE 2", server.Received);
    }

    [Fact]
    public async Task A_refused_RETR_in_a_pipelined_batch_is_ProtocolError_and_the_session_stays_usable()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a"), Pop3Message("b")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line != "RETR 1") return false;
            await c.SendAsync("-ERR message 1 is being expunged\r\n");
            return true;
        }));
        await using var session = await Open(server);

        var error = await FailsWithin(() => session.FetchAsync([0, 1], Ct));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.True(error.SessionUsable);
        Assert.Contains("being expunged", error.Message);
        Assert.Equal(Encoding.ASCII.GetBytes(Pop3Message("b")), (await session.FetchAsync([1], Ct)).Single().Data);
        await session.QuitAsync(Ct);
    }

    [Fact]
    public async Task Data_after_a_retrieved_message_is_ProtocolError_and_ends_the_session()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("RETR", StringComparison.Ordinal)) return false;
            await c.SendAsync("+OK\r\n" + DotStuff(Pop3Message("a")) + ".\r\n+OK unasked\r\n");
            return true;
        }));
        await using var session = await Open(server);

        var error = await FailsWithin(() => session.FetchAsync([0], Ct));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.False(error.SessionUsable);
        await Assert.ThrowsAsync<RemotePollException>(() => session.DeleteAsync([0], Ct));
    }

    [Fact]
    public async Task A_server_without_UIDL_is_ProtocolError_for_UIDs_but_still_serves_messages()
    {
        var drop = new Maildrop { Uidl = false, Capabilities = ["USER"], Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));
        await using var session = await Open(server);

        var error = await FailsWithin(() => session.ListUidsAsync(Ct));

        Assert.Equal(PollErrorKind.ProtocolError, error.Kind);
        Assert.Contains("UIDL", error.Message);
        Assert.Equal(Encoding.ASCII.GetBytes(Pop3Message("a")), (await session.FetchAsync([0], Ct)).Single().Data);
        await session.QuitAsync(Ct);
    }

    [Fact]
    public async Task A_QUIT_without_answer_is_ConnectionLost_because_deletions_are_not_committed()
    {
        var drop = new Maildrop { Messages = [Pop3Message("a")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, line =>
        {
            if (line != "QUIT") return Task.FromResult(false);
            c.Abort();
            return Task.FromResult(true);
        }));
        await using var session = await Open(server);
        await session.DeleteAsync([0], Ct);
        var error = await FailsWithin(() => session.QuitAsync(Ct));
        Assert.Equal(PollErrorKind.ConnectionLost, error.Kind);
        Assert.Contains("not committed", error.Message);
    }

    [Fact]
    public async Task A_greeting_bracket_token_without_an_at_sign_is_not_an_APOP_offer()
    {
        var drop = new Maildrop { Greeting = "+OK ready <not-a-timestamp>" };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop));
        await using var session = await Open(server, Options(server) with { Apop = true });
        Assert.Equal(Pop3LoginMethod.UserPass, session.LoginMethod);
        Assert.Contains("PASS secret", server.Received);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("APOP", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-ERR maildrop already locked", PollErrorKind.MailboxLocked)]
    [InlineData("-ERR [IN-USE] Mailbox busy", PollErrorKind.MailboxLocked)]
    [InlineData("-ERR unable to lock maildrop", PollErrorKind.MailboxLocked)]
    [InlineData("-ERR invalid password", PollErrorKind.AuthenticationFailed)]
    [InlineData("-ERR [AUTH] Authentication failed.", PollErrorKind.AuthenticationFailed)]
    public async Task A_refused_PASS_is_MailboxLocked_only_when_the_server_says_the_mailbox_is_in_use(string answer, PollErrorKind expected)
    {
        var drop = new Maildrop();
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("PASS ", StringComparison.Ordinal)) return false;
            await c.SendAsync(answer + "\r\n");
            return true;
        }));
        var error = await FailsWithin(() => Open(server));
        Assert.Equal(expected, error.Kind);
        Assert.Equal(answer, error.ServerResponse);
    }

    [Fact]
    public async Task A_password_echoed_by_the_server_is_redacted_from_errors_and_the_log()
    {
        var drop = new Maildrop();
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (!line.StartsWith("PASS ", StringComparison.Ordinal)) return false;
            await c.SendAsync($"-ERR password {line[5..]} is wrong\r\n");
            return true;
        }));
        var log = new RecordingProtocolLog();
        var error = await FailsWithin(() => Pop3Session.OpenAsync(Options(server), new Pop3Credentials("joe", "S3cr3t-Echo"), log, Ct));
        Assert.Equal(PollErrorKind.AuthenticationFailed, error.Kind);
        Assert.DoesNotContain("S3cr3t-Echo", error.ToString());
        Assert.DoesNotContain("S3cr3t-Echo", log.AllText);
    }

    [Fact]
    public async Task A_host_under_msn_com_logs_in_with_AUTH_MSN_carrying_an_NTLM_exchange()
    {
        byte[]? negotiate = null;
        byte[]? authenticate = null;
        var drop = new Maildrop { Messages = [Pop3Message("from-msn")] };
        await using var server = new HostilePop3Server(c => ServeAsync(c, drop, async line =>
        {
            if (line != "AUTH MSN") return false;
            await c.SendAsync("+ \r\n");
            negotiate = Convert.FromBase64String(await c.ReadLineAsync() ?? "");
            await c.SendAsync("+ " + Convert.ToBase64String(NtlmChallenge()) + "\r\n");
            authenticate = Convert.FromBase64String(await c.ReadLineAsync() ?? "");
            await c.SendAsync("+OK MSN login\r\n");
            return true;
        }));
        var log = new RecordingProtocolLog();
        var options = Options(server) with
        {
            Host = new HostAndPort("pop3.email.msn.com", server.Port),
            Resolver = (_, _) => Task.FromResult(new[] { IPAddress.Loopback }),
        };

        await using var session = await Pop3Session.OpenAsync(options, new Pop3Credentials("joe", "msn-Secret"), log, Ct);

        Assert.Equal(Pop3LoginMethod.AuthMsn, session.LoginMethod);
        Assert.Equal(1, session.Count);
        Assert.Equal(1, NtlmType(negotiate));
        Assert.Equal(3, NtlmType(authenticate));
        Assert.Contains("joe", Encoding.Unicode.GetString(authenticate!));
        Assert.DoesNotContain(server.Received, l => l.StartsWith("USER", StringComparison.Ordinal) || l.StartsWith("PASS", StringComparison.Ordinal));
        Assert.DoesNotContain("msn-Secret", log.AllText);
        Assert.DoesNotContain(Convert.ToBase64String(authenticate!), log.AllText);
        await session.QuitAsync(Ct);
    }

    private static string Pop3Message(string subject) => $"Subject: {subject}\r\n\r\nbody of {subject}\r\n";

    private static int NtlmType(byte[]? message)
    {
        Assert.NotNull(message);
        Assert.Equal("NTLMSSP\0", Encoding.ASCII.GetString(message, 0, 8));
        return BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(8));
    }

    /// <summary>A minimal NTLM CHALLENGE (type 2) message: target "MSN", random server challenge, target info.</summary>
    private static byte[] NtlmChallenge()
    {
        var target = Encoding.Unicode.GetBytes("MSN");
        var info = new List<byte>();
        void Av(ushort id, byte[] value)
        {
            var head = new byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(head, id);
            BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(2), (ushort)value.Length);
            info.AddRange(head);
            info.AddRange(value);
        }
        Av(2, target); // MsvAvNbDomainName
        Av(1, Encoding.Unicode.GetBytes("POP")); // MsvAvNbComputerName
        Av(0, []); // MsvAvEOL
        const int header = 56;
        var message = new byte[header + target.Length + info.Count];
        var span = message.AsSpan();
        Encoding.ASCII.GetBytes("NTLMSSP\0").CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], (ushort)target.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[14..], (ushort)target.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], header);
        const uint flags = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00010000 | 0x00080000 | 0x00800000 | 0x02000000 | 0x20000000 | 0x80000000;
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], flags);
        Random.Shared.NextBytes(span.Slice(24, 8));
        BinaryPrimitives.WriteUInt16LittleEndian(span[40..], (ushort)info.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(span[42..], (ushort)info.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], header + target.Length);
        span[48] = 10; // version 10.0 build 19041, NTLM revision 15
        span[49] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[50..], 19041);
        span[55] = 15;
        target.CopyTo(span[header..]);
        info.ToArray().CopyTo(span[(header + target.Length)..]);
        return message;
    }
}
