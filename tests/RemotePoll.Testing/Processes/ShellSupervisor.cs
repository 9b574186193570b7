using System.Diagnostics;
using System.Text;

namespace RemotePoll.Testing.Processes;

/// <summary>
/// Runs a test server's watchdog script (<c>/bin/sh -c</c>) with standard input closed and every line it prints
/// collected into <paramref name="output"/> (under its lock), for the server's failure messages.
/// </summary>
public static class ShellSupervisor
{
    public static Process Start(string script, StringBuilder output)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
