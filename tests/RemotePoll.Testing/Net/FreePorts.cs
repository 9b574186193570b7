using System.Net;
using System.Net.Sockets;

namespace RemotePoll.Testing.Net;

/// <summary>
/// Loopback ports that were free a moment ago: bound to port 0 and released. Another process can still
/// take one before the server binds it, so servers that get these ports retry on "address in use".
/// </summary>
public static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>Returns <paramref name="count"/> distinct ports, never one handed out before by this process.</summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>();
        var ports = new List<int>();
        try
        {
            lock (Gate)
            {
                while (ports.Count < count)
                {
                    var l = new TcpListener(IPAddress.Loopback, 0);
                    l.Start();
                    listeners.Add(l);
                    var port = ((IPEndPoint)l.LocalEndpoint).Port;
                    if (Handed.Add(port)) ports.Add(port);
                }
            }
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
        return [.. ports];
    }
}
