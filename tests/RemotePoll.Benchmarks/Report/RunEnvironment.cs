using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using RemotePoll.Testing.Processes;

namespace RemotePoll.Benchmarks.Report;

/// <summary>What the figures were taken on: the table's header.</summary>
internal sealed record RunEnvironment(
    DateTimeOffset Date, int Cores, string Dotnet, string Dovecot, string MailKit, string Kernel, string Disk, string LoadAtStart)
{
    public string LoadAtEnd { get; set; } = "";

    public static async Task<RunEnvironment> CaptureAsync(string diskPath)
    {
        var dovecot = await ExternalCommand.RunAsync("dovecot", ["--version"]);
        var mailKit = typeof(MailKit.Net.Pop3.Pop3Client).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        return new RunEnvironment(DateTimeOffset.UtcNow, Environment.ProcessorCount, RuntimeInformation.FrameworkDescription,
            dovecot.StandardOutput.Trim(), mailKit.Split('+')[0], ReadOr("/proc/sys/kernel/osrelease").Trim(), DiskOf(diskPath), Load());
    }

    public static string Load() => string.Join(' ', ReadOr("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The device and file system that hold <paramref name="path"/> (the longest mount point that prefixes it).</summary>
    private static string DiskOf(string path)
    {
        var full = Path.GetFullPath(path);
        var best = ("?", "?", "");
        foreach (var line in ReadOr("/proc/mounts").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            if (f.Length < 3) continue;
            var mount = f[1];
            var under = full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (under && mount.Length >= best.Item3.Length) best = (f[0], f[2], mount);
        }
        return string.Create(CultureInfo.InvariantCulture, $"{best.Item2} on {best.Item1}");
    }

    private static string ReadOr(string file)
    {
        try { return File.ReadAllText(file); }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }
}
