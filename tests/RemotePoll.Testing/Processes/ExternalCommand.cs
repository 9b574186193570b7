using System.Diagnostics;
using System.Text;

namespace RemotePoll.Testing.Processes;

/// <summary>The outcome of an external command: exit code and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs a short external command (openssl, doveadm, useradd) with a deadline, so a wedged tool fails
/// the test instead of hanging it.
/// </summary>
public static class ExternalCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/>; throws <see cref="InvalidOperationException"/> when it exits non-zero.</summary>
    public static async Task<CommandResult> RunCheckedAsync(string file, IEnumerable<string> args,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(file, args, timeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"'{file} {string.Join(' ', args)}' exited with {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        return result;
    }

    /// <summary>Runs <paramref name="file"/> and returns its exit code and output; kills it at the deadline.</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{file} {string.Join(' ', psi.ArgumentList)}' did not finish in {timeout ?? DefaultTimeout}");
        }
        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
