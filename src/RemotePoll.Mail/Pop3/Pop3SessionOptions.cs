using System.Net;
using RemotePoll.Core.Records;

namespace RemotePoll.Mail.Pop3;

/// <summary>How to reach and log in to one remote POP3 account (an RPOP record plus the module settings it needs).</summary>
public sealed record Pop3SessionOptions
{
    public const int DefaultPort = 110;
    public const int DefaultTlsPort = 995;

    /// <summary>The record's "at Host": host name or address and an optional non-standard port.</summary>
    public required HostAndPort Host { get; init; }

    /// <summary>The record's TLS option: implicit TLS from the first byte (spec: standard port 995).</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// The record's STARTTLS: STLS (RFC 2595) on the plain port before login, required. A server that does not offer it
    /// fails with TlsFailed; credentials are never sent in clear. Ignored with <see cref="Tls"/>.
    /// </summary>
    public bool StartTls { get; init; }

    /// <summary>
    /// A PEM file of extra trusted CA certificates. Server certificates are validated against the system
    /// store and, failing that, against these; nothing else is ever accepted.
    /// </summary>
    public string? CaFilePath { get; init; }

    /// <summary>The node's folder of record CA files (remotepoll.tls.ca-folder); null: no record may use a CA file.</summary>
    public string? CaFolder { get; init; }

    /// <summary>The record's TLS trust: validation (default), a certificate or public-key pin, a CA file, or accept-any.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.Validate;

    /// <summary>The source address to connect from (module "Source IP Address" / "Use Domain IP Addresses"); null lets the OS choose.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>The module's "Use APOP" setting.</summary>
    public bool UseApop { get; init; } = true;

    /// <summary>The record's APOP option.</summary>
    public bool Apop { get; init; }

    /// <summary>Limit for name resolution plus the TCP connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Limit for one command and its answer (greeting, TLS handshake, login, UIDL…), and the longest silence
    /// tolerated while data is flowing. A batch of N retrievals may take N times this.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest message that is retrieved, in bytes.</summary>
    public long MaxMessageSize { get; init; } = 100L * 1024 * 1024;

    /// <summary>Name resolution; null means DNS. Tests substitute their own to reach a loopback server by name.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }

    /// <summary>The port to connect to: the explicit one, else 995 with TLS and 110 without.</summary>
    public int Port => Host.PortOr(Tls ? DefaultTlsPort : DefaultPort);
}
