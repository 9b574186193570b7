using System.Globalization;
using System.Net;

namespace RemotePoll.Core.Records;

/// <summary>
/// The "at Host" field: <c>host[:port]</c>, with IPv6 literals in brackets (<c>[::1]:110</c>).
/// Spec, RPOP/RIMAP "at Host": a non-standard port follows the host name after a colon.
/// </summary>
public sealed record HostAndPort(string Host, int? Port)
{
    public const int MaxHostLength = 253;

    /// <summary>The port to connect to: the explicit one, else the protocol default.</summary>
    public int PortOr(int defaultPort) => Port ?? defaultPort;

    /// <summary>Parses <paramref name="text"/>; returns null and a reason when it is not a valid host[:port].</summary>
    public static HostAndPort? TryParse(string? text, out string? reason)
    {
        reason = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) { reason = "is empty"; return null; }
        string host;
        string? portText = null;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']');
            if (close < 0) { reason = "has '[' without a closing ']'"; return null; }
            host = s[1..close];
            var rest = s[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') { reason = "has text after ']' that is not ':port'"; return null; }
                portText = rest[1..];
            }
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            { reason = $"'[{host}]' is not an IPv6 address"; return null; }
        }
        else
        {
            var colon = s.IndexOf(':');
            if (colon >= 0 && s.IndexOf(':', colon + 1) >= 0)
            { reason = "looks like an IPv6 address: write it in brackets, e.g. [::1]:110"; return null; }
            host = colon >= 0 ? s[..colon] : s;
            portText = colon >= 0 ? s[(colon + 1)..] : null;
            if (!IsHostName(host, out reason)) return null;
        }
        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
            { reason = $"port '{portText}' is not a number from 1 to 65535"; return null; }
            port = p;
        }
        return new HostAndPort(host.ToLowerInvariant(), port);
    }

    public static HostAndPort Parse(string text) =>
        TryParse(text, out var reason) ?? throw new FormatException($"host '{text}' {reason}");

    private static bool IsHostName(string host, out string? reason)
    {
        reason = null;
        if (host.Length == 0) { reason = "has no host name"; return false; }
        if (host.Length > MaxHostLength) { reason = $"host name is longer than {MaxHostLength} characters"; return false; }
        if (IPAddress.TryParse(host, out _)) return true;
        foreach (var label in host.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63) { reason = $"host name '{host}' has an empty or overlong label"; return false; }
            foreach (var c in label)
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                { reason = $"host name '{host}' has the character '{c}'"; return false; }
            if (label[0] == '-' || label[^1] == '-') { reason = $"host name '{host}' has a label starting or ending with '-'"; return false; }
        }
        return true;
    }

    public override string ToString()
    {
        var h = Host.Contains(':') ? $"[{Host}]" : Host;
        return Port is null ? h : $"{h}:{Port.Value.ToString(CultureInfo.InvariantCulture)}";
    }
}
