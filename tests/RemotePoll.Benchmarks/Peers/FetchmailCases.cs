using System.Diagnostics;
using System.Globalization;
using RemotePoll.Benchmarks.Drains;
using RemotePoll.Benchmarks.Limits;

namespace RemotePoll.Benchmarks.Peers;

/// <summary>
/// The peer of the LMTP drain: the real fetchmail draining the same shape of POP3 mailbox (a fresh one per run, as
/// <c>rpop-lmtp</c>) into the same Dovecot over LMTP (<c>lmtp</c>, <c>smtphost 127.0.0.1/PORT</c>), delete mode
/// (<c>fetchall nokeep</c>), one message after the other as fetchmail does. The rc file (password included) is generated
/// into the run's scratch folder and deleted with it; timed from the start of the process to its exit; CPU is
/// fetchmail's own (getrusage of the reaped child).
/// </summary>
internal static class FetchmailCases
{
    public const string Lmtp = "fetchmail-lmtp";

    public static IEnumerable<BenchmarkCase> All(BenchContext context)
    {
        var fetchmail = MbsyncCases.FindOnPath("fetchmail");
        yield return new BenchmarkCase(Lmtp, false,
            "the real fetchmail (6.4) draining the same mailbox into Dovecot over LMTP, fetchall nokeep",
            LimitCases.LmtpSessions, fetchmail is null ? null : (run, count, ct) => DrainAsync(context, fetchmail, run, count, ct),
            fetchmail is null ? "not run: fetchmail is not installed (`apt-get install -y fetchmail`)" : null)
        { AlsoComparedWith = LimitCases.LmtpOne };
    }

    private static async Task<RunSample> DrainAsync(BenchContext context, string fetchmail, int run, int count, CancellationToken ct)
    {
        var user = $"{Lmtp}-{run}-{count}";
        await context.EnsurePop3MailboxAsync(user, count, ct);
        var sink = $"sink-{user}";
        await context.Dovecot.AddUserAsync(sink, BenchContext.Password, ct);
        var scratch = context.NewFolder(Lmtp, tmpfs: true);
        try
        {
            var rc = Path.Combine(scratch, "fetchmailrc");
            File.WriteAllText(rc, string.Create(CultureInfo.InvariantCulture, $"""
                set no syslog
                poll {context.Dovecot.Host} protocol pop3 port {context.Dovecot.Pop3Port} uidl:
                  user "{user}" password "{BenchContext.Password}" is "{sink}" here
                  smtphost "{context.Dovecot.Host}/{context.Dovecot.LmtpPort}" lmtp smtpname "{sink}@local.example"
                  fetchall nokeep no mimedecode sslproto ''

                """));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (elapsed, used) = await ChildrenCpu.RunAsync(new ProcessStartInfo(fetchmail)
            {
                ArgumentList = { "-f", rc, "-N", "--nosyslog", "-s", "--pidfile", Path.Combine(scratch, "pid") },
                WorkingDirectory = scratch,
                Environment = { ["HOME"] = scratch, ["FETCHMAILHOME"] = scratch },
            }, ct);
            var delivered = await context.Dovecot.CountAsync(sink, cancellationToken: ct);
            if (delivered != count) throw new InvalidOperationException($"{Lmtp}: {delivered} of {count} in the sink");
            var left = await context.Dovecot.CountAsync(user, cancellationToken: ct);
            if (left != 0) throw new InvalidOperationException($"{Lmtp}: {left} messages left on the POP3 side");
            return new RunSample(elapsed, used, count, (long)count * context.Options.Size, new Dictionary<string, TimeSpan>());
        }
        finally
        {
            context.Discard(scratch);
        }
    }
}
