using System.Diagnostics;
using System.Text;
using RemotePoll.Core.Security;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Nodes;

/// <summary>
/// A real RemotePoll node process on loopback. Started, it is ready when its admin API answers the CLI;
/// <see cref="StopAsync"/> sends SIGTERM (a clean leave), <see cref="Kill"/> SIGKILL (a crash).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeProcess(Process process, int port, string dataDir)
    {
        _process = process;
        Port = port;
        DataDir = dataDir;
    }

    public int Port { get; }
    public string DataDir { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node printed so far.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static async Task<NodeProcess> StartAsync(string dataDir, int port, IEnumerable<string>? args = null,
        IDictionary<string, string>? environment = null, TimeSpan? readyTimeout = null, bool waitUntilReady = true)
    {
        IntegrationGuard.Require("a node process");
        // Nodes side by side would all claim the web UI's default 127.0.0.1:8010: off unless a test asks for it.
        if (args?.Contains("--web") != true) args = [.. args ?? [], "--web", "off"];
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[BuiltPrograms.NodeDll, "--data", dataDir, "--hostname", "127.0.0.1", "--port", port.ToString(), .. args ?? []])
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the node");
        var node = new NodeProcess(process, port, dataDir);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = readyTimeout ?? TimeSpan.FromSeconds(90);
        try { NodeTokens.Register(port, await node.ServerTokenAsync(psi.Environment, timeout)); }
        catch (InvalidDataException) when (!waitUntilReady) { } // a node expected to fail (e.g. a TLS intruder) may stop first
        // The readiness probe runs rpoll with the node's environment, so a node with transport TLS is probed over TLS.
        if (waitUntilReady) await node.WaitReadyAsync(timeout, environment);
        return node;
    }

    /// <summary>
    /// A server-administrator token issued offline from the node's cluster secret (the environment's, or DATA/cluster.secret
    /// once the node has created it), as an operator bootstraps with <c>rpoll token issue --secret-file</c>.
    /// </summary>
    private async Task<string> ServerTokenAsync(IDictionary<string, string?> environment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var secret = environment.TryGetValue(ClusterSecret.EnvironmentVariable, out var text) && !string.IsNullOrEmpty(text)
                    ? ClusterSecret.FromText(text, ClusterSecret.EnvironmentVariable)
                    : SecretFiles.Read(environment.TryGetValue(ClusterSecret.FileEnvironmentVariable, out var f) && !string.IsNullOrEmpty(f)
                        ? f : Path.Combine(DataDir, ClusterSecret.FileName));
                return secret.Signer().Issue(Caller.ServerAdministrator, DateTimeOffset.UtcNow, TimeSpan.FromDays(7));
            }
            catch (InvalidDataException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidOperationException($"no cluster secret for the node on port {Port}: {ex.Message}\n{Log}", ex);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task WaitReadyAsync(TimeSpan timeout, IDictionary<string, string>? environment)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the node exited with {_process.ExitCode}:\n{Log}");
            var r = await RpollCli.RunWithEnvironmentAsync(Port, null, environment, "module", "show");
            if (r.ExitCode == 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the node on port {Port} was not ready in {timeout}:\n{r.StandardError}\n{Log}");
            await Task.Delay(500);
        }
    }

    /// <summary>SIGTERM, then waits for a clean exit (the node leaves the cluster first).</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return _process.ExitCode;
        UnixProcess.Signal(_process.Id, UnixProcess.SigTerm);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); throw new TimeoutException($"the node did not stop on SIGTERM:\n{Log}"); }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: a crash, no leave, no flush.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(TimeSpan.FromSeconds(30)); }
        catch (TimeoutException) { }
        _process.Dispose();
    }
}
