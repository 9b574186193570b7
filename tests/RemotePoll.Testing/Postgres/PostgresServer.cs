using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RemotePoll.Testing.Net;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Postgres;

/// <summary>
/// A private PostgreSQL 15 cluster for tests: <c>initdb -A trust</c> in a temp directory and a postmaster on a free
/// loopback port (its UNIX socket in that directory), nothing shared with the system cluster. As root, every server
/// command runs as the <c>postgres</c> user (the directory is owned by it); as another user, as that user. A watchdog
/// stops the server and removes the directory when the test process goes away (crash, kill -9), and
/// <see cref="StartAsync"/> sweeps instances left by dead test processes.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The user the tests connect as (trust authentication, no password).</summary>
    public const string User = "postgres";

    private const string DirectoryPrefix = "rpoll-pg-";
    private const string ServerUser = "postgres";
    private const int StartAttempts = 4;

    /// <summary>The PostgreSQL 15 server binaries (Debian's postgresql-15).</summary>
    public static string BinDirectory { get; } = "/usr/lib/postgresql/15/bin";

    /// <summary>tmpfs when there is one (the server runs with fsync off anyway), else /tmp. Socket paths must stay short.</summary>
    private static readonly string InstancesRoot = Directory.Exists("/dev/shm") ? "/dev/shm" : "/tmp";

    private Process? _watchdog;
    private int _disposed;

    private PostgresServer(string root) => RootDirectory = root;

    public string Host => "127.0.0.1";
    public int Port { get; private set; }

    /// <summary>The instance's temp directory (data/, the socket, log); removed on dispose.</summary>
    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");
    public string LogPath => Path.Combine(RootDirectory, "postgres.log");

    /// <summary>The server log so far.</summary>
    public string LogText
    {
        get
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return reader.ReadToEnd();
            }
            catch (FileNotFoundException) { return ""; }
            catch (DirectoryNotFoundException) { return ""; }
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> (the node's <c>--db</c>).</summary>
    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host={Host};Port={Port};Username={User};Database={database}");

    /// <summary>Creates and starts a cluster; returns when it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL 15 is missing or would not start (the message holds its log).</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        IntegrationGuard.Require("a PostgreSQL");
        if (!File.Exists(Path.Combine(BinDirectory, "postgres")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/postgres): run tests/install-deps");
        await SweepAbandonedInstancesAsync().ConfigureAwait(false);
        var server = new PostgresServer(await CreateInstanceDirectoryAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            await RunServerToolCheckedAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", User, "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions"], TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            server.StartWatchdog();
            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePorts.Take(1)[0];
                var failure = await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null) return server;
                // Another process took the port between FreePorts and the bind: try another.
                if (attempt < StartAttempts && failure.Contains("in use", StringComparison.OrdinalIgnoreCase)) continue;
                throw new InvalidOperationException($"PostgreSQL did not start in {server.RootDirectory}: {failure}");
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("postgres", $"CREATE DATABASE {QuoteIdentifier(name)}", cancellationToken).ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Runs SQL (one or more statements) in <paramref name="database"/>; throws on the first error.</summary>
    public Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken = default) =>
        PsqlAsync(database, sql, cancellationToken);

    /// <summary>
    /// Runs a query and returns its rows, each as its columns' text (NULL as the empty string, bytea as <c>\x…</c> hex).
    /// Values must not contain tabs or line breaks (cast or encode them in the query).
    /// </summary>
    public async Task<IReadOnlyList<string[]>> QueryAsync(string database, string sql, CancellationToken cancellationToken = default)
    {
        var output = await PsqlAsync(database, sql, cancellationToken).ConfigureAwait(false);
        // psql -t prints one line per row and nothing else: "" is no row, "\n" one row holding NULL.
        if (output.Length == 0) return [];
        if (output.EndsWith('\n')) output = output[..^1];
        return output.Split('\n').Select(line => line.Split('\t')).ToList();
    }

    /// <summary>The first column of the first row, or null when the query returns no row.</summary>
    public async Task<string?> ScalarAsync(string database, string sql, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database, sql, cancellationToken).ConfigureAwait(false)).FirstOrDefault()?[0];

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>) and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "stop", "-m", "immediate", "-w", "-t", "30"],
                    TimeSpan.FromSeconds(40), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException) { }
        }
        if (_watchdog is { } w)
        {
            try { if (!w.HasExited) w.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            w.Dispose();
        }
        for (var i = 0; i < 20 && Directory.Exists(RootDirectory); i++)
        {
            try { Directory.Delete(RootDirectory, recursive: true); }
            catch (IOException) { await Task.Delay(50).ConfigureAwait(false); }
            catch (UnauthorizedAccessException) { await Task.Delay(50).ConfigureAwait(false); }
        }
    }

    /// <summary>pg_ctl start -w; null when the server accepts connections, else why not.</summary>
    private async Task<string?> LaunchAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(LogPath)) File.Delete(LogPath);
        // fsync off: the data is thrown away after the test; max_connections: several nodes with their pools.
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {RootDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB");
        var start = await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-o", options, "-l", LogPath, "start", "-w", "-t", "60"],
            TimeSpan.FromSeconds(70), cancellationToken).ConfigureAwait(false);
        if (start.ExitCode == 0) return null;
        var failure = $"pg_ctl start exited with {start.ExitCode}: {start.StandardError.Trim()} {start.StandardOutput.Trim()}\n{LogText}";
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "stop", "-m", "immediate"], TimeSpan.FromSeconds(30), cancellationToken)
                .ConfigureAwait(false);
        return failure;
    }

    /// <summary>
    /// A shell that outlives this process if it crashes: once the test process is gone it stops the server and removes
    /// the directory. It runs as this process's user (as root it can see the test process; the postgres user could not).
    /// </summary>
    private void StartWatchdog()
    {
        var stop = ServerCommand(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "stop", "-m", "immediate"]);
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            trap '' HUP INT
            while kill -0 {Environment.ProcessId}; do sleep 1; done
            [ -f '{DataDirectory}/postmaster.pid' ] && {string.Join(' ', stop.Select(ShellQuote))}
            rm -rf '{RootDirectory}'
            """;
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        _watchdog = Process.Start(psi) ?? throw new InvalidOperationException("could not start the PostgreSQL watchdog");
        _watchdog.StandardInput.Close();
    }

    private async Task<string> PsqlAsync(string database, string sql, CancellationToken cancellationToken)
    {
        var result = await ExternalCommand.RunAsync(Path.Combine(BinDirectory, "psql"),
            ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture),
             "-U", User, "-d", database, "-c", sql], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"psql on {database} failed ({result.ExitCode}): {result.StandardError.Trim()}\nSQL: {sql}");
        return result.StandardOutput;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The command line that runs a server binary as the server's user.</summary>
    private static List<string> ServerCommand(string file, IEnumerable<string> args) =>
        Environment.IsPrivilegedProcess ? ["/usr/sbin/runuser", "-u", ServerUser, "--", file, .. args] : [file, .. args];

    private static Task<CommandResult> RunServerToolAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var command = ServerCommand(Path.Combine(BinDirectory, tool), args);
        return ExternalCommand.RunAsync(command[0], command.Skip(1), timeout, cancellationToken);
    }

    private static async Task RunServerToolCheckedAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunServerToolAsync(tool, args, timeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} exited with {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
    }

    private static async Task<string> CreateInstanceDirectoryAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var path = Path.Combine(InstancesRoot, DirectoryPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
            if (Directory.Exists(path)) continue;
            UnixProcess.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(path, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                cancellationToken).ConfigureAwait(false);
            if (Environment.IsPrivilegedProcess)
            {
                var (uid, gid) = await ServerUserIdsAsync(cancellationToken).ConfigureAwait(false);
                UnixProcess.Chown(path, uid, gid);
            }
            return path;
        }
    }

    private static async Task<(int Uid, int Gid)> ServerUserIdsAsync(CancellationToken cancellationToken)
    {
        var lookup = await ExternalCommand.RunAsync("getent", ["passwd", ServerUser], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (lookup.ExitCode != 0)
            throw new InvalidOperationException($"there is no '{ServerUser}' user: install PostgreSQL 15 (tests/install-deps)");
        var fields = lookup.StandardOutput.Trim().Split(':');
        return (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Stops and removes instances whose test process died and whose watchdog did not clean up (it was killed too).</summary>
    private static async Task SweepAbandonedInstancesAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories(InstancesRoot, DirectoryPrefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(dir, "owner.pid");
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner)) continue;
                if (UnixProcess.Exists(owner)) continue;
                var data = Path.Combine(dir, "data");
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                    await RunServerToolAsync("pg_ctl", ["-D", data, "stop", "-m", "immediate"], TimeSpan.FromSeconds(30), CancellationToken.None)
                        .ConfigureAwait(false);
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (TimeoutException) { }
        }
    }
}
