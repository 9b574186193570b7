using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Dovecot;

/// <summary>
/// A private Dovecot 2.3 instance for tests: its own config, base_dir, state_dir, log and Maildir tree in a
/// temp directory, listening on 127.0.0.1 only: POP3 (STLS offered), POP3S, IMAP (STARTTLS offered), IMAPS
/// and LMTP, with a self-signed certificate. Must run as root (it creates the unprivileged mail owner
/// <see cref="MailUserName"/> if missing). Several instances run side by side. A watchdog stops the
/// instance when the test process goes away, so nothing outlives the tests even after a crash.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    /// <summary>The system user that owns every instance's mail (mail_uid/mail_gid).</summary>
    public const string MailUserName = "rpolltest";

    private const string DirectoryPrefix = "rpoll-dovecot-";
    private const string DovecotBinary = "/usr/sbin/dovecot";
    private const string DoveadmBinary = "/usr/bin/doveadm";
    private const int StartAttempts = 4;

    /// <summary>
    /// Where instance directories go: tmpfs when there is one (file creation on this kind of VM's disk costs
    /// milliseconds, too slow to load thousands of messages), else /tmp. Never $TMPDIR: Dovecot's UNIX
    /// sockets live in base_dir and their paths must stay short.
    /// </summary>
    private static readonly string InstancesRoot = Directory.Exists("/dev/shm") ? "/dev/shm" : "/tmp";

    private static readonly SemaphoreSlim MailUserGate = new(1, 1);
    private static (int Uid, int Gid)? s_mailUser;
    private static long s_fileCounter;

    private readonly Lock _usersGate = new();
    private readonly ConcurrentDictionary<string, bool> _maildirs = new(StringComparer.Ordinal);
    private readonly int _uid;
    private readonly int _gid;
    private readonly string _instanceTag;
    private Process? _supervisor;
    private readonly StringBuilder _supervisorOutput = new();
    private X509Certificate2? _caCertificate;
    private int _disposed;

    private DovecotServer(string root, int uid, int gid, DovecotOptions options)
    {
        RootDirectory = root;
        _uid = uid;
        _gid = gid;
        Options = options;
        _instanceTag = Path.GetFileName(root)[DirectoryPrefix.Length..];
        MasterUser = "rpollmaster";
        MasterPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
    }

    /// <summary>The address every listener is bound to.</summary>
    public string Host => "127.0.0.1";

    public int Pop3Port { get; private set; }
    public int Pop3sPort { get; private set; }
    public int ImapPort { get; private set; }
    public int ImapsPort { get; private set; }
    public int LmtpPort { get; private set; }

    public DovecotOptions Options { get; }

    /// <summary>The instance's temp directory; removed on dispose.</summary>
    public string RootDirectory { get; }

    public string ConfigPath => Path.Combine(RootDirectory, "dovecot.conf");
    public string LogPath => Path.Combine(RootDirectory, "dovecot.log");

    /// <summary>Where users' homes live: <c>MailRoot/user/Maildir</c>.</summary>
    public string MailRoot => Path.Combine(RootDirectory, "mail");

    /// <summary>PEM of the self-signed server certificate (CN=127.0.0.1, SAN IP:127.0.0.1, DNS:localhost): trust it explicitly.</summary>
    public string CaCertificatePath => Path.Combine(RootDirectory, "cert.pem");

    public X509Certificate2 CaCertificate =>
        _caCertificate ??= X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath));

    /// <summary>The master user: log in as <see cref="MasterLogin"/> with <see cref="MasterPassword"/> to reach any mailbox.</summary>
    public string MasterUser { get; }

    public string MasterPassword { get; }

    /// <summary>The IMAP/POP3 login name that reaches <paramref name="user"/>'s mailbox as the master user.</summary>
    public string MasterLogin(string user) => $"{user}*{MasterUser}";

    /// <summary>The whole server log so far (login lines say <c>method=APOP</c>, <c>method=PLAIN</c>, …).</summary>
    public string LogText
    {
        get
        {
            using var stream = new FileStream(LogPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Starts an instance and waits until every listener accepts connections.</summary>
    /// <exception cref="InvalidOperationException">Not root, or Dovecot would not start (the message holds its log).</exception>
    public static async Task<DovecotServer> StartAsync(DovecotOptions? options = null, CancellationToken cancellationToken = default)
    {
        IntegrationGuard.Require("a Dovecot");
        options ??= new DovecotOptions();
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("DovecotServer must run as root (it starts Dovecot with its own mail_uid)");
        SweepAbandonedInstances();
        var (uid, gid) = await EnsureMailUserAsync(cancellationToken).ConfigureAwait(false);

        var root = CreateInstanceDirectory();
        var server = new DovecotServer(root, uid, gid, options);
        try
        {
            await server.PrepareAsync(cancellationToken).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                var ports = FreePorts.Take(5);
                (server.Pop3Port, server.Pop3sPort, server.ImapPort, server.ImapsPort, server.LmtpPort) =
                    (ports[0], ports[1], ports[2], ports[3], ports[4]);
                await File.WriteAllTextAsync(server.ConfigPath, server.RenderConfig(), cancellationToken).ConfigureAwait(false);
                var failure = await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null) return server;
                // Another process took one of the ports between FreePorts and Dovecot's bind: try new ones.
                if (attempt < StartAttempts && failure.Contains("in use", StringComparison.OrdinalIgnoreCase)) continue;
                throw new InvalidOperationException($"Dovecot did not start in {root}: {failure}");
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Adds (or replaces) a user with a {PLAIN} password. Each user has its own passwd-file
    /// (<c>users/NAME</c>): Dovecot re-reads a passwd-file at most once a second, so a shared file would hide
    /// a user added just after a lookup.
    /// </summary>
    public Task AddUserAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        if (name.Length == 0 || name.IndexOfAny([':', '\n', '\r', '*', '@', '/', '%']) >= 0 || name.StartsWith('.'))
            throw new ArgumentException($"'{name}' cannot be a passwd-file user name", nameof(name));
        if (password.IndexOfAny([':', '\n', '\r']) >= 0)
            throw new ArgumentException("a passwd-file password cannot contain ':' or line breaks", nameof(password));
        var path = Path.Combine(RootDirectory, "users", name);
        lock (_usersGate)
        {
            // Replace the file atomically so the auth process never reads half of it.
            var temp = path + ".new";
            File.WriteAllText(temp, $"{name}:{{PLAIN}}{password}::::::\n");
            UnixProcess.SetMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temp, path, overwrite: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Puts a message straight into <paramref name="user"/>'s Maildir folder (new/, written through tmp/ and
    /// renamed), the way an external delivery agent does; Dovecot picks it up on its next sync. Fast: no
    /// process per message. <paramref name="folder"/> "INBOX" or a Maildir++ name ("Archive", "A/B").
    /// </summary>
    public Task InjectAsync(string user, byte[] rfc822, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        InjectOne(user, rfc822, folder);
        return Task.CompletedTask;
    }

    private void InjectOne(string user, byte[] rfc822, string folder)
    {
        var dir = EnsureMaildir(user, folder);
        // Names sort in injection order (fixed-width counter), and Dovecot numbers new files in name order.
        var n = Interlocked.Increment(ref s_fileCounter);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{seconds}.M{n:D10}P{Environment.ProcessId}.rpoll{_instanceTag},S={rfc822.Length}");
        var temp = Path.Combine(dir, "tmp", name);
        File.WriteAllBytes(temp, rfc822);
        UnixProcess.Chown(temp, _uid, _gid);
        File.Move(temp, Path.Combine(dir, "new", name));
    }

    /// <summary>
    /// Saves a message into <paramref name="user"/>'s folder through Dovecot itself (<c>doveadm save</c>), as a delivery
    /// does: unlike <see cref="InjectAsync(string, byte[], string, CancellationToken)"/> Dovecot's indexes change at once,
    /// so IDLE and NOTIFY (RFC 5465) sessions are told of it as of a real arrival. The folder must exist.
    /// </summary>
    public async Task DeliverAsync(string user, byte[] rfc822, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var file = Path.Combine(RootDirectory, $"deliver-{Guid.NewGuid():N}.eml");
        await File.WriteAllBytesAsync(file, rfc822, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExternalCommand.RunCheckedAsync("/bin/sh",
                ["-c", $"'{DoveadmBinary}' -c '{ConfigPath}' save -u '{user}' -m '{folder}' < '{file}'"],
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <inheritdoc cref="InjectAsync(string, byte[], string, CancellationToken)"/>
    public Task InjectAsync(string user, string rfc822, string folder = "INBOX", CancellationToken cancellationToken = default) =>
        InjectAsync(user, Encoding.UTF8.GetBytes(rfc822), folder, cancellationToken);

    /// <summary>Injects many messages in order (see <see cref="InjectAsync(string, byte[], string, CancellationToken)"/>).</summary>
    public Task InjectManyAsync(string user, IEnumerable<byte[]> messages, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        foreach (var m in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            InjectOne(user, m, folder);
        }
        return Task.CompletedTask;
    }

    /// <summary>Makes Dovecot rescan the user's Maildir folders (<c>doveadm force-resync</c>).</summary>
    public Task ResyncAsync(string user, string folder = "*", CancellationToken cancellationToken = default) =>
        DoveadmAsync(cancellationToken, "force-resync", "-u", user, folder);

    /// <summary>How many messages Dovecot sees in the folder.</summary>
    /// <exception cref="InvalidOperationException">The folder does not exist.</exception>
    public async Task<int> CountAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var output = await DoveadmAsync(cancellationToken, "-f", "flow", "mailbox", "status", "-u", user, "messages", folder).ConfigureAwait(false);
        var marker = output.IndexOf("messages=", StringComparison.Ordinal);
        if (marker < 0) throw new InvalidOperationException($"doveadm mailbox status said: {output}");
        var digits = new string(output[(marker + 9)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>The folder's messages in UID order, with flags, Message-ID, Subject and full text.</summary>
    public async Task<IReadOnlyList<DovecotMessage>> ListAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var json = await DoveadmAsync(cancellationToken, "-f", "json", "fetch", "-u", user,
            "uid flags hdr.message-id hdr.subject text", "mailbox", folder, "all").ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(json)) return [];
        using var doc = JsonDocument.Parse(json);
        var list = new List<DovecotMessage>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string Field(string name) => e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
            list.Add(new DovecotMessage(long.Parse(Field("uid"), CultureInfo.InvariantCulture), Field("flags"),
                Field("hdr.message-id").Trim(), Field("hdr.subject").Trim(), Field("text")));
        }
        return list.OrderBy(m => m.Uid).ToList();
    }

    /// <summary>Every folder of the user, as Dovecot names them ("INBOX", "Archive", "A.B").</summary>
    public async Task<IReadOnlyList<string>> ListFoldersAsync(string user, CancellationToken cancellationToken = default)
    {
        var output = await DoveadmAsync(cancellationToken, "mailbox", "list", "-u", user).ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public Task CreateFolderAsync(string user, string folder, CancellationToken cancellationToken = default) =>
        DoveadmAsync(cancellationToken, "mailbox", "create", "-u", user, folder);

    /// <summary>Deletes a folder and its children, with their messages.</summary>
    public Task DeleteFolderAsync(string user, string folder, CancellationToken cancellationToken = default) =>
        DoveadmAsync(cancellationToken, "mailbox", "delete", "-u", user, "-r", "-s", folder);

    /// <summary>Expunges every message of a folder (INBOX cannot be deleted, but it can be emptied).</summary>
    public Task ClearAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default) =>
        DoveadmAsync(cancellationToken, "expunge", "-u", user, "mailbox", folder, "all");

    /// <summary>Runs <c>doveadm -c CONFIG args…</c> and returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">doveadm exited non-zero.</exception>
    public async Task<string> DoveadmAsync(CancellationToken cancellationToken, params string[] args)
    {
        var result = await ExternalCommand.RunCheckedAsync(DoveadmBinary, ["-c", ConfigPath, .. args],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.StandardOutput;
    }

    /// <summary>Waits until a log line contains <paramref name="text"/> (log lines are written asynchronously).</summary>
    /// <returns>The first such line.</returns>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>; the message holds the log.</exception>
    public Task<string> WaitForLogAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForLogAsync(line => line.Contains(text, StringComparison.Ordinal), text, timeout, cancellationToken);

    /// <inheritdoc cref="WaitForLogAsync(string, TimeSpan?, CancellationToken)"/>
    public async Task<string> WaitForLogAsync(Func<string, bool> predicate, string description, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        while (true)
        {
            var line = LogText.Split('\n').FirstOrDefault(predicate);
            if (line is not null) return line;
            if (deadline.Elapsed > limit)
                throw new TimeoutException($"no Dovecot log line matching '{description}' within {limit}; log:\n{LogText}");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A certificate check that trusts exactly this instance's certificate (plus the system store).</summary>
    public bool ValidateServerCertificate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }

    /// <summary>Stops the instance (SIGTERM to the master, SIGKILL if it lingers) and removes its directory.</summary>
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
        _caCertificate?.Dispose();
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        foreach (var d in new[] { "run", "state" }) Directory.CreateDirectory(Path.Combine(RootDirectory, d));
        Directory.CreateDirectory(MailRoot);
        UnixProcess.Chown(MailRoot, _uid, _gid);
        Directory.CreateDirectory(Path.Combine(RootDirectory, "users"));
        await File.WriteAllTextAsync(Path.Combine(RootDirectory, "masters"), $"{MasterUser}:{{PLAIN}}{MasterPassword}::::::\n",
            cancellationToken).ConfigureAwait(false);
        UnixProcess.SetMode(Path.Combine(RootDirectory, "masters"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        if (Options.OAuth2IntrospectionUrl is { } introspection)
        {
            // Dovecot asks the authorization server about every bearer token it is given (RFC 7662).
            var oauth2 = Path.Combine(RootDirectory, "oauth2.conf");
            await File.WriteAllTextAsync(oauth2, $"""
                introspection_mode = post
                introspection_url = {introspection}
                username_attribute = username
                active_attribute = active
                active_value = true

                """, cancellationToken).ConfigureAwait(false);
            UnixProcess.SetMode(oauth2, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        foreach (var (name, password) in Options.Users)
            await AddUserAsync(name, password, cancellationToken).ConfigureAwait(false);
        // An EC key: as good as RSA for the tests and generated in milliseconds.
        await ExternalCommand.RunCheckedAsync("openssl",
        [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "7",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", Path.Combine(RootDirectory, "key.pem"), "-out", CaCertificatePath,
        ], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private string RenderConfig()
    {
        var mechanisms = "plain login" + (Options.CramMd5 ? " cram-md5" : "") + (Options.Apop ? " apop" : "");
        if (Options.OAuth2IntrospectionUrl is not null) mechanisms += " " + Options.OAuth2Mechanisms;
        var r = RootDirectory;
        // Bearer tokens are checked first, and only for the OAuth2 mechanisms; passwords never reach this passdb.
        var oauth2Passdb = Options.OAuth2IntrospectionUrl is null ? "" : $$"""
            passdb {
              driver = oauth2
              mechanisms = {{Options.OAuth2Mechanisms}}
              args = {{r}}/oauth2.conf
            }

            """;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            # Generated by RemotePoll.Testing.DovecotServer: a private instance, nothing shared with the system one.
            instance_name = rpoll-{{_instanceTag}}
            base_dir = {{r}}/run
            state_dir = {{r}}/state
            log_path = {{r}}/dovecot.log
            protocols = pop3 imap lmtp
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <{{r}}/cert.pem
            ssl_key = <{{r}}/key.pem
            disable_plaintext_auth = no
            auth_mechanisms = {{mechanisms}}
            auth_master_user_separator = *
            auth_verbose = yes
            auth_debug = {{(Options.AuthDebug ? "yes" : "no")}}
            mail_location = maildir:~/Maildir
            mail_uid = {{_uid}}
            mail_gid = {{_gid}}
            first_valid_uid = {{_uid}}
            last_valid_uid = {{_uid}}
            first_valid_gid = {{_gid}}
            last_valid_gid = {{_gid}}
            mail_fsync = never
            mail_max_userip_connections = 1000
            default_process_limit = 300
            pop3_lock_session = {{(Options.Pop3LockSession ? "yes" : "no")}}
            lda_mailbox_autocreate = yes
            lda_mailbox_autosubscribe = yes
            passdb {
              driver = passwd-file
              master = yes
              args = scheme=PLAIN username_format=%n {{r}}/masters
            }
            {{oauth2Passdb}}passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%n {{r}}/users/%n
            }
            userdb {
              driver = static
              args = uid={{_uid}} gid={{_gid}} home={{r}}/mail/%n
            }
            service pop3-login {
              inet_listener pop3 {
                address = 127.0.0.1
                port = {{Pop3Port}}
              }
              inet_listener pop3s {
                address = 127.0.0.1
                port = {{Pop3sPort}}
                ssl = yes
              }
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{ImapsPort}}
                ssl = yes
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{LmtpPort}}
              }
            }

            """);
        if (Options.ExtraConfig is { } extra) sb.AppendLine(extra);
        return sb.ToString();
    }

    /// <summary>Starts Dovecot in the foreground under a watchdog shell; null when ready, else why not.</summary>
    private async Task<string?> LaunchAsync(CancellationToken cancellationToken)
    {
        await StopAsync().ConfigureAwait(false);
        if (File.Exists(LogPath)) File.Delete(LogPath);
        lock (_supervisorOutput) _supervisorOutput.Clear();
        // The watchdog stops Dovecot when this test process disappears (crash, kill -9), so no instance outlives the tests.
        var script = $"""
            {DovecotBinary} -c '{ConfigPath}' -F &
            d=$!
            ( while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -TERM $d ) >/dev/null 2>&1 &
            w=$!
            wait $d
            rc=$?
            kill $w 2>/dev/null
            exit $rc
            """;
        var process = ShellSupervisor.Start(script, _supervisorOutput);
        _supervisor = process;

        var deadline = Stopwatch.StartNew();
        var pending = new List<int> { Pop3Port, Pop3sPort, ImapPort, ImapsPort, LmtpPort };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited) return Failure($"dovecot exited with {process.ExitCode}");
            if (deadline.Elapsed > Options.StartTimeout) return Failure($"listeners not ready within {Options.StartTimeout}");
            var port = pending[0];
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Host, port, cancellationToken).ConfigureAwait(false);
                pending.RemoveAt(0);
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
        return null;

        string Failure(string what)
        {
            string output;
            lock (_supervisorOutput) output = _supervisorOutput.ToString();
            var log = File.Exists(LogPath) ? LogText : "";
            return $"{what}\n{output}\n{log}";
        }
    }

    private async Task StopAsync()
    {
        var supervisor = _supervisor;
        _supervisor = null;
        var pidFile = Path.Combine(RootDirectory, "run", "master.pid");
        var masterPid = File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var p) ? p : 0;
        if (masterPid > 0) UnixProcess.Signal(masterPid, UnixProcess.SigTerm);
        if (supervisor is null) return;
        using (supervisor)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                if (masterPid == 0) supervisor.Kill(entireProcessTree: true);
                await supervisor.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (masterPid > 0) UnixProcess.Signal(masterPid, UnixProcess.SigKill);
                try { supervisor.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            catch (InvalidOperationException)
            {
                // Never started or already gone.
            }
        }
    }

    private string EnsureMaildir(string user, string folder)
    {
        var home = Path.Combine(MailRoot, user);
        var maildir = Path.Combine(home, "Maildir");
        var isInbox = folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase);
        var dir = isInbox ? maildir : Path.Combine(maildir, "." + folder.Replace('/', '.'));
        if (_maildirs.ContainsKey(dir)) return dir;
        foreach (var d in new[] { home, maildir, dir }.Distinct())
            MakeOwnedDirectory(d);
        foreach (var sub in new[] { "cur", "new", "tmp" })
            MakeOwnedDirectory(Path.Combine(dir, sub));
        if (!isInbox)
        {
            var marker = Path.Combine(dir, "maildirfolder");
            if (!File.Exists(marker))
            {
                File.WriteAllBytes(marker, []);
                UnixProcess.Chown(marker, _uid, _gid);
            }
        }
        _maildirs[dir] = true;
        return dir;
    }

    private void MakeOwnedDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        UnixProcess.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        UnixProcess.Chown(path, _uid, _gid);
    }

    private static string CreateInstanceDirectory()
    {
        while (true)
        {
            var path = Path.Combine(InstancesRoot, DirectoryPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
            if (Directory.Exists(path)) continue;
            Directory.CreateDirectory(path);
            // Dovecot's unprivileged processes (login, auth) must traverse it.
            UnixProcess.SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.WriteAllText(Path.Combine(path, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return path;
        }
    }

    /// <summary>Removes directories left by test processes that died (their watchdog already stopped Dovecot).</summary>
    private static void SweepAbandonedInstances()
    {
        foreach (var dir in Directory.EnumerateDirectories(InstancesRoot, DirectoryPrefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(dir, "owner.pid");
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner)) continue;
                if (UnixProcess.Exists(owner)) continue;
                var pidFile = Path.Combine(dir, "run", "master.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var master) && UnixProcess.Exists(master))
                    continue;
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<(int Uid, int Gid)> EnsureMailUserAsync(CancellationToken cancellationToken)
    {
        await MailUserGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s_mailUser is { } known) return known;
            var lookup = await ExternalCommand.RunAsync("getent", ["passwd", MailUserName], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (lookup.ExitCode != 0)
            {
                var add = await ExternalCommand.RunAsync("useradd",
                    ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", MailUserName],
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                // 9: created meanwhile by another test process.
                if (add.ExitCode is not 0 and not 9)
                    throw new InvalidOperationException($"useradd {MailUserName} failed: {add.StandardError}");
                lookup = await ExternalCommand.RunCheckedAsync("getent", ["passwd", MailUserName], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            var fields = lookup.StandardOutput.Trim().Split(':');
            var user = (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
            s_mailUser = user;
            return user;
        }
        finally
        {
            MailUserGate.Release();
        }
    }
}
