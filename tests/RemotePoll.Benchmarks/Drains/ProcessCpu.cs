using System.Globalization;
using RemotePoll.Benchmarks.Limits;

namespace RemotePoll.Benchmarks.Drains;

/// <summary>CPU time of another process, from /proc/PID/stat (utime + stime), and finding a process by its command line.</summary>
internal static class ProcessCpu
{
    /// <exception cref="IOException">The process is gone.</exception>
    public static TimeSpan Of(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; fields after it are plain numbers. utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / DiskSync.ClockTicksPerSecond);
    }

    /// <summary>The process whose command line holds every fragment, or null.</summary>
    public static int? Find(params string[] fragments)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var words = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (fragments.All(f => words.Contains(f))) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
