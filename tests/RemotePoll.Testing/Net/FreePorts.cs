using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Testing.Net;

/// <summary>
/// Loopback ports that were free a moment ago. They are drawn at random from just below the kernel's ephemeral range
/// (<c>ip_local_port_range</c>): a port the kernel hands out for port 0 or for an outgoing connection (the CLI's, a
/// PostgreSQL client's, another test's server) can be taken again between the check and the server's bind, and on a
/// busy CI machine it was. Below the range only another test's explicit bind can take it, so servers that get these
/// ports still retry on "address in use", but that race is now rare.
/// </summary>
public static class FreePorts
{
    private const int Span = 12_000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];
    private static readonly (int Low, int High) Range = Candidates();

    /// <summary>Returns <paramref name="count"/> distinct ports, never one handed out before by this process.</summary>
    public static int[] Take(int count)
    {
        var ports = new List<int>();
        lock (Gate)
        {
            for (var tries = 0; ports.Count < count; tries++)
            {
                if (tries > 100 * count + Span) throw new InvalidOperationException($"no free loopback port in {Range.Low}-{Range.High}");
                var port = Random.Shared.Next(Range.Low, Range.High + 1);
                if (!Handed.Contains(port) && IsFree(port) && Handed.Add(port)) ports.Add(port);
            }
        }
        return [.. ports];
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try { listener.Start(); return true; }
        catch (SocketException) { return false; }
        finally { listener.Stop(); }
    }

    /// <summary>The ports just below the ephemeral range (Linux default 32768-60999: 20768-32767).</summary>
    private static (int, int) Candidates()
    {
        var ephemeralLow = 32_768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (text.Length > 0 && int.TryParse(text[0], out var low) && low > 2_048) ephemeralLow = low;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return (Math.Max(1_024, ephemeralLow - Span), ephemeralLow - 1);
    }
}
