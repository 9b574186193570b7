using System.Net;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// How to reach and log in to one remote POP3 account (an RPOP record plus the module settings it needs), within the
/// node's <see cref="SessionLimits"/>.
/// </summary>
public sealed record Pop3SessionOptions : SessionLimits
{
    public Pop3SessionOptions() { }

    /// <summary>Options bounded by <paramref name="limits"/> (the poll's, taken as they are).</summary>
    public Pop3SessionOptions(SessionLimits limits) : base(limits) { }

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

    /// <summary>The record's TLS trust: validation (default), a certificate or public-key pin, a CA file, or accept-any.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.Validate;

    /// <summary>The source address to connect from (module "Source IP Address" / "Use Domain IP Addresses"); null lets the OS choose.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>The module's "Use APOP" setting.</summary>
    public bool UseApop { get; init; } = true;

    /// <summary>The record's APOP option.</summary>
    public bool Apop { get; init; }

    /// <summary>Name resolution; null means DNS. Tests substitute their own to reach a loopback server by name.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }

    /// <summary>The port to connect to: the explicit one, else 995 with TLS and 110 without.</summary>
    public int Port => Host.PortOr(Tls ? DefaultTlsPort : DefaultPort);
}
