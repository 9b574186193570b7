using System.Collections.Concurrent;

namespace RemotePoll.Testing.Nodes;

/// <summary>
/// The server-administrator token of each node started by <see cref="NodeProcess"/>, by port, so every
/// <see cref="RpollCli"/> call reaches the admin API as an operator with the bootstrap token would.
/// </summary>
public static class NodeTokens
{
    private static readonly ConcurrentDictionary<int, string> ByPort = new();

    public static void Register(int port, string token) => ByPort[port] = token;

    /// <summary>The token for the node on <paramref name="port"/>; null when no node was started there.</summary>
    public static string? For(int port) => ByPort.TryGetValue(port, out var t) ? t : null;
}
