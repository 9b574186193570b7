using System.Diagnostics;
using System.Text;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Testing.Nodes;

/// <summary>Runs the real <c>rpoll</c> CLI as a process, as an operator would, with optional standard input.</summary>
public static class RpollCli
{
    /// <summary>Longer than rpoll's own 60 s wait for an answer, so the CLI reports a timeout rather than being killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly Lazy<string> EmptyHome = new(() => Directory.CreateTempSubdirectory("rpoll-home-").FullName);

    /// <summary>Runs rpoll against the node on <paramref name="port"/> as its server administrator (the token from <see cref="NodeTokens"/>).</summary>
    public static Task<CommandResult> RunAsync(int port, string? stdin, params string[] args) =>
        RunCoreAsync(port, NodeTokens.For(port), stdin, null, args);

    /// <summary>Runs rpoll with <paramref name="token"/> in RPOLL_TOKEN; null: no token at all (an empty home, no RPOLL_TOKEN).</summary>
    public static Task<CommandResult> RunWithTokenAsync(int port, string? token, string? stdin, params string[] args) =>
        RunCoreAsync(port, token, stdin, null, args);

    /// <summary>As <see cref="RunAsync"/>, with extra environment (e.g. RPOLL_TLS_* for a cluster with transport TLS).</summary>
    public static Task<CommandResult> RunWithEnvironmentAsync(int port, string? stdin, IDictionary<string, string>? environment, params string[] args) =>
        RunCoreAsync(port, NodeTokens.For(port), stdin, environment, args);

    private static async Task<CommandResult> RunCoreAsync(int port, string? token, string? stdin, IDictionary<string, string>? environment, string[] args)
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
        if (token is not null) psi.Environment["RPOLL_TOKEN"] = token;
        else psi.Environment["HOME"] = EmptyHome.Value; // no ~/.rpoll/token of whoever runs the tests
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
