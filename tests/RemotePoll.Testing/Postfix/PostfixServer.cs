using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Postfix;

/// <summary>
/// A private Postfix 3 instance for tests of SMTP delivery: its own config_directory, queue_directory and
/// data_directory in a temp directory (tmpfs when there is one), smtpd on a free 127.0.0.1 port only, every message
/// for <see cref="PostfixOptions.Domains"/> handed on over LMTP (the test Dovecot's), any other recipient refused at
/// RCPT and nothing relayed anywhere. It never reads or writes /etc/postfix, never listens on port 25, and is not the
/// system service. Postfix must be started as root; its daemons run as the package's <c>postfix</c> user
/// (mail_owner). A watchdog stops the instance when the test process goes away.
/// </summary>
public sealed class PostfixServer : IAsyncDisposable
{
    private const string DirectoryPrefix = "rpoll-postfix-";
    private const string PostfixBinary = "/usr/sbin/postfix";
    private const string MailOwner = "postfix";
    private const int StartAttempts = 4;

    /// <summary>RCPT of this local part at any domain gets <c>450 4.2.0 Try again later</c> (an access rule), so a test
    /// has a 4xx for one recipient from the real server.</summary>
    public const string DeferredLocalPart = "later";
    private static readonly string InstancesRoot = Directory.Exists("/dev/shm") ? "/dev/shm" : "/tmp";

    private readonly StringBuilder _supervisorOutput = new();
    private Process? _supervisor;
    private int _disposed;

    private PostfixServer(string root, PostfixOptions options)
    {
        RootDirectory = root;
        Options = options;
    }

    /// <summary>The address smtpd listens on.</summary>
    public string Host => "127.0.0.1";

    public int SmtpPort { get; private set; }

    public PostfixOptions Options { get; }

    /// <summary>The instance's temp directory; removed on dispose.</summary>
    public string RootDirectory { get; }

    public string ConfigDirectory => Path.Combine(RootDirectory, "etc");
    public string QueueDirectory => Path.Combine(RootDirectory, "spool");
    public string LogPath => Path.Combine(RootDirectory, "postfix.log");

    /// <summary>The whole log so far (maillog_file).</summary>
    public string LogText
    {
        get
        {
            if (!File.Exists(LogPath)) return "";
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Starts an instance and waits until smtpd accepts connections.</summary>
    /// <exception cref="InvalidOperationException">Not root, Postfix is not installed, or it would not start (the message holds its log).</exception>
    public static async Task<PostfixServer> StartAsync(PostfixOptions options, CancellationToken cancellationToken = default)
    {
        IntegrationGuard.Require("a Postfix");
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("PostfixServer must run as root (Postfix's master starts as root and drops to mail_owner)");
        if (!File.Exists(PostfixBinary))
            throw new InvalidOperationException($"{PostfixBinary} is missing: run tests/install-deps (package postfix)");
        await SweepAbandonedInstancesAsync().ConfigureAwait(false);
        var root = CreateInstanceDirectory();
        var server = new PostfixServer(root, options);
        try
        {
            await server.PrepareAsync(cancellationToken).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                server.SmtpPort = FreePorts.Take(1)[0];
                await File.WriteAllTextAsync(Path.Combine(server.ConfigDirectory, "master.cf"), server.RenderMasterCf(), cancellationToken).ConfigureAwait(false);
                var failure = await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null) return server;
                // Another process took the port between FreePorts and Postfix's bind: try another.
                if (attempt < StartAttempts && failure.Contains("in use", StringComparison.OrdinalIgnoreCase)) continue;
                throw new InvalidOperationException($"Postfix did not start in {root}: {failure}");
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Messages in Postfix's queue (incoming, active, deferred, hold): 0 once everything was handed on.</summary>
    public int QueuedMessages() =>
        new[] { "incoming", "active", "deferred", "hold", "maildrop" }
            .Select(d => Path.Combine(QueueDirectory, d))
            .Where(Directory.Exists)
            .Sum(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Count());

    /// <summary>Waits until the queue is empty: every accepted message was delivered (or bounced).</summary>
    /// <exception cref="TimeoutException">Messages still queued after <paramref name="timeout"/>; the message holds the log's tail.</exception>
    public async Task WaitForEmptyQueueAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (QueuedMessages() > 0)
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Postfix still holds {QueuedMessages()} messages after {timeout}; log tail:\n{Tail(LogText, 40)}");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the instance (postfix stop, SIGKILL to the master if it lingers) and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopAsync().ConfigureAwait(false);
        for (var i = 0; i < 20 && Directory.Exists(RootDirectory); i++)
        {
            try { Directory.Delete(RootDirectory, recursive: true); }
            catch (IOException) { await Task.Delay(50).ConfigureAwait(false); }
            catch (UnauthorizedAccessException) { await Task.Delay(50).ConfigureAwait(false); }
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(QueueDirectory);
        var data = Path.Combine(RootDirectory, "data");
        Directory.CreateDirectory(data);
        var owner = await ExternalCommand.RunCheckedAsync("id", ["-u", MailOwner], cancellationToken: cancellationToken).ConfigureAwait(false);
        var group = await ExternalCommand.RunCheckedAsync("id", ["-g", MailOwner], cancellationToken: cancellationToken).ConfigureAwait(false);
        UnixProcess.Chown(data, int.Parse(owner.StandardOutput.Trim(), CultureInfo.InvariantCulture), int.Parse(group.StandardOutput.Trim(), CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "main.cf"), RenderMainCf(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "master.cf"), RenderMasterCf(), cancellationToken).ConfigureAwait(false);
        // Creates the queue's subdirectories with their owners and modes (post-install create-missing).
        await ExternalCommand.RunCheckedAsync(PostfixBinary, ["-c", ConfigDirectory, "check"], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private string RenderMainCf()
    {
        var r = RootDirectory;
        var deferred = "inline:{ { " + DeferredLocalPart + "@=450 4.2.0 Try again later } }";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            # Generated by RemotePoll.Testing.PostfixServer: a private instance, nothing shared with /etc/postfix.
            compatibility_level = 3.6
            queue_directory = {r}/spool
            data_directory = {r}/data
            mail_owner = {MailOwner}
            setgid_group = postdrop
            maillog_file = {r}/postfix.log
            maillog_file_prefixes = {InstancesRoot}, /tmp
            myhostname = rpoll-postfix.test
            mydomain = rpoll-postfix.test
            myorigin = rpoll-postfix.test
            mydestination =
            append_dot_mydomain = no
            biff = no
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = reject_unauth_destination
            smtpd_recipient_restrictions = check_recipient_access {deferred}, permit
            smtpd_discard_ehlo_keywords = {string.Join(", ", Options.DiscardEhloKeywords)}
            virtual_mailbox_domains = {string.Join(", ", Options.Domains)}
            virtual_transport = lmtp:inet:{Options.Lmtp.Host}:{Options.Lmtp.Port}
            default_transport = error:this test instance relays nowhere
            relay_transport = error:this test instance relays nowhere
            alias_maps =
            alias_database =
            local_recipient_maps =
            lmtp_host_lookup = native
            smtp_host_lookup = native
            in_flow_delay = 0
            queue_run_delay = 1s
            minimal_backoff_time = 1s
            maximal_backoff_time = 2s
            smtpd_client_connection_count_limit = 0
            smtpd_client_connection_rate_limit = 0

            """);
        if (Options.Tls is var (certificate, key))
        {
            // Read as root at smtpd's start, before it drops to mail_owner.
            sb.AppendLine("smtpd_tls_security_level = may").AppendLine($"smtpd_tls_cert_file = {certificate}").AppendLine($"smtpd_tls_key_file = {key}");
        }
        if (Options.ExtraMainCf is { } extra) sb.AppendLine(extra);
        return sb.ToString();
    }

    // No chroot (column 5 "n"), so the daemons need no copy of /etc inside the queue directory.
    private string RenderMasterCf() => $"""
        {Host}:{SmtpPort} inet n - n - - smtpd
        pickup    unix  n  -  n  60     1  pickup
        cleanup   unix  n  -  n  -      0  cleanup
        qmgr      unix  n  -  n  300    1  qmgr
        tlsmgr    unix  -  -  n  1000?  1  tlsmgr
        rewrite   unix  -  -  n  -      -  trivial-rewrite
        bounce    unix  -  -  n  -      0  bounce
        defer     unix  -  -  n  -      0  bounce
        trace     unix  -  -  n  -      0  bounce
        verify    unix  -  -  n  -      1  verify
        flush     unix  n  -  n  1000?  0  flush
        proxymap  unix  -  -  n  -      -  proxymap
        smtp      unix  -  -  n  -      -  smtp
        showq     unix  n  -  n  -      -  showq
        error     unix  -  -  n  -      -  error
        retry     unix  -  -  n  -      -  error
        discard   unix  -  -  n  -      -  discard
        lmtp      unix  -  -  n  -      -  lmtp
        anvil     unix  -  -  n  -      1  anvil
        scache    unix  -  -  n  -      1  scache
        postlog   unix-dgram n - n -    1  postlogd

        """;

    /// <summary>Starts the master in the foreground under a watchdog shell; null when smtpd answers, else why not.</summary>
    private async Task<string?> LaunchAsync(CancellationToken cancellationToken)
    {
        await StopAsync().ConfigureAwait(false);
        if (File.Exists(LogPath)) File.Delete(LogPath);
        lock (_supervisorOutput) _supervisorOutput.Clear();
        // The master runs in its own session (setsid), so a signal to the test's process group does not reach it; the
        // watchdog gets its own session too, or such a signal would end it and leave the master running.
        var script = $"""
            {PostfixBinary} -c '{ConfigDirectory}' start-fg &
            d=$!
            setsid /bin/sh -c "while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {PostfixBinary} -c '{ConfigDirectory}' stop" >/dev/null 2>&1 &
            w=$!
            wait $d
            rc=$?
            kill $w 2>/dev/null
            exit $rc
            """;
        var process = ShellSupervisor.Start(script, _supervisorOutput);
        _supervisor = process;

        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited) return Failure($"postfix exited with {process.ExitCode}");
            if (clock.Elapsed > Options.StartTimeout) return Failure($"smtpd not ready within {Options.StartTimeout}");
            try
            {
                // smtpd answers 220 only once the master and its services run (a bound port alone is not enough).
                using var probe = new TcpClient();
                await probe.ConnectAsync(Host, SmtpPort, cancellationToken).ConfigureAwait(false);
                var buffer = new byte[512];
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                var n = await probe.GetStream().ReadAsync(buffer, cts.Token).ConfigureAwait(false);
                if (n >= 3 && Encoding.ASCII.GetString(buffer, 0, 3) == "220") return null;
            }
            catch (SocketException) { }
            catch (IOException) { }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        string Failure(string what)
        {
            string output;
            lock (_supervisorOutput) output = _supervisorOutput.ToString();
            return $"{what}\n{output}\n{LogText}";
        }
    }

    private async Task StopAsync()
    {
        var supervisor = _supervisor;
        _supervisor = null;
        if (supervisor is null) return;
        using (supervisor)
        {
            // master.pid is locked by the master, so Postfix itself is asked to stop it (SIGTERM to the master).
            if (!supervisor.HasExited)
                await ExternalCommand.RunAsync(PostfixBinary, ["-c", ConfigDirectory, "stop"]).ConfigureAwait(false);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await supervisor.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { supervisor.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string CreateInstanceDirectory()
    {
        while (true)
        {
            var path = Path.Combine(InstancesRoot, DirectoryPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
            if (Directory.Exists(path)) continue;
            Directory.CreateDirectory(path);
            // Postfix's daemons (mail_owner) must traverse it to reach the queue.
            UnixProcess.SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.WriteAllText(Path.Combine(path, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return path;
        }
    }

    /// <summary>Removes directories left by test processes that died, stopping a Postfix still running there.</summary>
    private static async Task SweepAbandonedInstancesAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories(InstancesRoot, DirectoryPrefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(dir, "owner.pid");
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner)) continue;
                if (UnixProcess.Exists(owner)) continue;
                // A master its watchdog did not stop (the watchdog was killed too): stop it before the directory goes.
                await ExternalCommand.RunAsync(PostfixBinary, ["-c", Path.Combine(dir, "etc"), "stop"]).ConfigureAwait(false);
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
