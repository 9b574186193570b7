namespace RemotePoll.Mail.Net;

/// <summary>
/// The bounds and trust settings every remote session shares (POP3, RIMAP, and the poll environment that fills them in
/// from the node's settings), with one set of defaults. The defaults are node.conf's (<c>connect-timeout</c>,
/// <c>command-timeout</c>, <c>max-message-size</c>); the spec names no values, so the node's settings win.
/// </summary>
public record SessionLimits
{
    /// <summary>64 MiB: node.conf's <c>max-message-size</c>, which every poll of a node already used.</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The node's PEM file of extra trusted CA certificates (<c>ca-file</c>). Server certificates are validated against
    /// the system store and, failing that, against these; nothing else is ever accepted.
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>The node's folder of record CA files (remotepoll.tls.ca-folder); null: no record may use a CA file.</summary>
    public string? CaFolder { get; init; }

    /// <summary>Limit for name resolution plus the TCP connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>
    /// Limit for one command and its answer (greeting, TLS handshake, login, UIDL, LIST, EXAMINE…), and the longest
    /// silence tolerated while data flows. A batch of N retrievals may take N times this.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>The largest message that is retrieved or copied, in bytes; larger ones are skipped and reported.</summary>
    public long MaxMessageSize { get; init; } = DefaultMaxMessageSize;
}
