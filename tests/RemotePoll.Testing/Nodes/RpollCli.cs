using System.Diagnostics;
using System.Text;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Nodes;

/// <summary>Runs the real <c>rpoll</c> CLI as a process, as an operator would, with optional standard input.</summary>
public static class RpollCli
{
    /// <summary>Longer than rpoll's own 60 s wait for an answer, so the CLI reports a timeout rather than being killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static Task<CommandResult> RunAsync(int port, string? stdin, params string[] args) => RunWithEnvironmentAsync(port, stdin, null, args);

    /// <summary>As <see cref="RunAsync"/>, with extra environment (e.g. RPOLL_TLS_* for a cluster with transport TLS).</summary>
    public static async Task<CommandResult> RunWithEnvironmentAsync(int port, string? stdin, IDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(BuiltPrograms.CliDll);
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("RPOLL_TOKEN");
        psi.Environment.Remove("RPOLL_CONTACT");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start rpoll");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rpoll {string.Join(' ', args)} did not finish in {Timeout}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
