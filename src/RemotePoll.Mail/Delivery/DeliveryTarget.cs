using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RemotePoll.Core.Records;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// A node's delivery target option, parsed. Queue targets (records without Mailbox): <c>maildir</c>,
/// <c>lmtp://HOST:PORT</c>, <c>lmtp:/path/to/socket</c>, <c>smtp://HOST:PORT</c>. Mailbox store targets
/// (Mailbox set, RIMAP): <c>maildir</c>, <c>imap://HOST:PORT</c>. Without a port, LMTP uses 24, SMTP 25, IMAP 143.
/// </summary>
public sealed record DeliveryTarget
{
    public const int DefaultLmtpPort = 24;
    public const int DefaultSmtpPort = 25;
    public const int DefaultImapPort = 143;

    // sun_path holds 108 bytes on Linux, the last one NUL.
    private const int MaxSocketPathBytes = 107;

    private DeliveryTarget(DeliveryTargetKind kind, string? host, int? port, string? socketPath)
    {
        Kind = kind;
        Host = host;
        Port = port;
        SocketPath = socketPath;
    }

    public DeliveryTargetKind Kind { get; }

    /// <summary>The server host for LMTP/SMTP/IMAP over TCP.</summary>
    public string? Host { get; }

    public int? Port { get; }

    /// <summary>The Unix socket of <c>lmtp:/path</c>.</summary>
    public string? SocketPath { get; }

    /// <summary>Where to connect; null for Maildir.</summary>
    public EndPoint? EndPoint =>
        SocketPath is not null ? new UnixDomainSocketEndPoint(SocketPath)
        : Host is null ? null
        : IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port!.Value)
        : new DnsEndPoint(Host, Port!.Value);

    public static readonly DeliveryTarget Maildir = new(DeliveryTargetKind.Maildir, null, null, null);

    /// <summary>Parses a queue target: maildir, lmtp://HOST:PORT, lmtp:/path or smtp://HOST:PORT.</summary>
    /// <exception cref="DeliveryTargetException">The value is not one of these; the message names the option and why.</exception>
    public static DeliveryTarget ParseQueue(string optionName, string? text) =>
        Parse(optionName, text, [DeliveryTargetKind.Maildir, DeliveryTargetKind.Lmtp, DeliveryTargetKind.Smtp],
            "maildir, lmtp://HOST:PORT, lmtp:/path or smtp://HOST:PORT");

    /// <summary>Parses a mailbox store target: maildir or imap://HOST:PORT.</summary>
    /// <exception cref="DeliveryTargetException">The value is not one of these; the message names the option and why.</exception>
    public static DeliveryTarget ParseStore(string optionName, string? text) =>
        Parse(optionName, text, [DeliveryTargetKind.Maildir, DeliveryTargetKind.Imap], "maildir or imap://HOST:PORT");

    /// <summary>The queue delivery this target names.</summary>
    /// <param name="maildirRoot">The node's Maildir root, used by <c>maildir</c>.</param>
    /// <param name="sessions">The most sessions open to an LMTP or SMTP target at once (<c>remotepoll.delivery-sessions</c>).</param>
    /// <exception cref="InvalidOperationException">This is a store-only target (imap).</exception>
    public IQueueDelivery CreateQueue(string maildirRoot, LmtpClientOptions? lmtp = null, SmtpQueueOptions? smtp = null,
        int sessions = LmtpQueueDelivery.DefaultMaxSessions) => Kind switch
    {
        DeliveryTargetKind.Maildir => new MaildirStore(maildirRoot),
        DeliveryTargetKind.Lmtp => new LmtpQueueDelivery(EndPoint!, lmtp, maxSessions: sessions),
        DeliveryTargetKind.Smtp => new SmtpQueueDelivery(Host!, Port!.Value, smtp, sessions),
        _ => throw new InvalidOperationException($"{this} is a mailbox store, not a queue"),
    };

    /// <summary>The mailbox store this target names.</summary>
    /// <param name="maildirRoot">The node's Maildir root, used by <c>maildir</c>.</param>
    /// <param name="imap">The master user for <c>imap://</c>; required there.</param>
    /// <exception cref="InvalidOperationException">This is a queue-only target, or imap lacks its master user.</exception>
    public IMailboxStore CreateStore(string maildirRoot, ImapStoreOptions? imap = null) => Kind switch
    {
        DeliveryTargetKind.Maildir => new MaildirStore(maildirRoot),
        DeliveryTargetKind.Imap => new ImapMailboxStore(Host!, Port!.Value,
            imap ?? throw new InvalidOperationException($"{this} needs a master user and password")),
        _ => throw new InvalidOperationException($"{this} is a queue, not a mailbox store"),
    };

    public override string ToString() => Kind switch
    {
        DeliveryTargetKind.Maildir => "maildir",
        _ when SocketPath is not null => "lmtp:" + SocketPath,
        _ => $"{Kind.ToString().ToLowerInvariant()}://{new HostAndPort(Host!, Port)}",
    };

    private static DeliveryTarget Parse(string optionName, string? text, DeliveryTargetKind[] allowed, string expected)
    {
        DeliveryTargetException Error(string reason) => new(optionName, text, $"{reason}; expected {expected}");

        var value = text?.Trim() ?? "";
        if (value.Length == 0) throw Error("is empty");
        if (value.Equals("maildir", StringComparison.OrdinalIgnoreCase)) return Maildir;

        var colon = value.IndexOf(':');
        if (colon <= 0) throw Error("is neither 'maildir' nor a URL");
        var scheme = value[..colon].ToLowerInvariant();
        var rest = value[(colon + 1)..];
        DeliveryTargetKind kind = scheme switch
        {
            "lmtp" => DeliveryTargetKind.Lmtp,
            "smtp" => DeliveryTargetKind.Smtp,
            "imap" => DeliveryTargetKind.Imap,
            "maildir" => throw Error("maildir takes no location (the Maildir root is the node's data folder)"),
            _ => throw Error($"the scheme '{scheme}' is not supported"),
        };
        if (!allowed.Contains(kind))
            throw Error(kind == DeliveryTargetKind.Imap
                ? "imap is a mailbox store (Mailbox field, RIMAP), not a queue: it would bypass the rules"
                : $"{scheme} is a queue, not a mailbox store");

        if (!rest.StartsWith("//", StringComparison.Ordinal))
        {
            if (kind != DeliveryTargetKind.Lmtp) throw Error($"{scheme} needs //HOST:PORT");
            return UnixSocket(rest, Error);
        }
        var authority = rest[2..];
        if (authority.Length == 0 || authority[0] == '/')
            throw Error(kind == DeliveryTargetKind.Lmtp ? "has no host; for a Unix socket write lmtp:/path" : "has no host");
        if (authority.EndsWith('/')) authority = authority[..^1];
        if (authority.Contains('/') || authority.Contains('?') || authority.Contains('@'))
            throw Error("must be only //HOST:PORT, without user, path or query");
        var hostAndPort = HostAndPort.TryParse(authority, out var reason) ?? throw Error($"host {reason}");
        var port = hostAndPort.PortOr(kind switch
        {
            DeliveryTargetKind.Lmtp => DefaultLmtpPort,
            DeliveryTargetKind.Smtp => DefaultSmtpPort,
            _ => DefaultImapPort,
        });
        return new DeliveryTarget(kind, hostAndPort.Host, port, null);
    }

    private static DeliveryTarget UnixSocket(string path, Func<string, DeliveryTargetException> error)
    {
        if (path.Length == 0) throw error("has no socket path");
        if (path[0] != '/') throw error($"the socket path '{path}' is not absolute");
        if (path.Any(char.IsControl)) throw error("the socket path holds a control character");
        var bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxSocketPathBytes)
            throw error(string.Create(CultureInfo.InvariantCulture, $"the socket path is {bytes} bytes long, more than a Unix socket address holds ({MaxSocketPathBytes})"));
        return new DeliveryTarget(DeliveryTargetKind.Lmtp, null, null, path);
    }
}
