using System.Net;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;

namespace RemotePoll.Mail.Net;

/// <summary>
/// The transport under a POP3 or RIMAP session, one copy for both: the record's certificate trust, the connect from the
/// source address within the connect timeout, TLS (implicit, or when the protocol's STARTTLS asks), and the bounded stream
/// the protocol client reads. Failures are <see cref="RemotePollException"/>s that name <see cref="Where"/>.
/// </summary>
internal sealed class SessionLink
{
    private readonly string _host;
    private readonly int _port;
    private readonly SessionLimits _limits;
    private readonly IPAddress? _sourceAddress;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? _resolver;

    /// <exception cref="RemotePollException">TlsFailed: the CA file or the record's CA file cannot be used.</exception>
    public SessionLink(HostAndPort host, int port, SessionLimits limits, TlsTrust trust, IPAddress? sourceAddress,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolver)
    {
        _host = host.Host;
        _port = port;
        _limits = limits;
        _sourceAddress = sourceAddress;
        _resolver = resolver;
        Trust = CertificateTrust.Load(limits.CaFile, trust, limits.CaFolder);
    }

    /// <summary>host:port, the prefix of every failure message.</summary>
    public string Where => $"{_host}:{_port}";

    public CertificateTrust Trust { get; }

    /// <summary>The address actually connected to (for the self-poll check and the log).</summary>
    public IPEndPoint? RemoteEndPoint { get; private set; }

    /// <summary>
    /// Connects and hands the connection to <paramref name="secure"/> (implicit TLS, or a protocol's STARTTLS done before
    /// its client reads), then bounds it: lines longer than <paramref name="maxLineLength"/> end the session.
    /// </summary>
    /// <exception cref="RemotePollException">ConnectionFailed; TlsFailed and what <paramref name="secure"/> throws.</exception>
    public async Task<BoundedStream> OpenAsync(Func<Stream, CancellationToken, Task<Stream>>? secure, long maxLineLength,
        CancellationToken cancellationToken)
    {
        var socket = await RemoteConnector.ConnectAsync(_host, _port, _sourceAddress, _resolver, _limits.ConnectTimeout, ConnectFailure,
            cancellationToken).ConfigureAwait(false);
        (var network, RemoteEndPoint) = RemoteConnector.Open(socket, ConnectFailure);
        if (secure is not null)
            network = await secure(network, cancellationToken).ConfigureAwait(false);
        return new BoundedStream(network) { MaxLineLength = maxLineLength };
    }

    /// <summary>The TLS handshake within the command timeout, the certificate checked by <see cref="Trust"/>.</summary>
    /// <exception cref="RemotePollException">TlsFailed.</exception>
    public Task<Stream> HandshakeAsync(Stream network, CancellationToken cancellationToken) =>
        RemoteConnector.HandshakeAsync(network, _host, Trust, _limits.CommandTimeout,
            (why, inner) => new RemotePollException(PollErrorKind.TlsFailed, $"{Where}: TLS failed: {why}", inner), cancellationToken);

    private RemotePollException ConnectFailure(string why, Exception? inner) => new(PollErrorKind.ConnectionFailed, $"{Where}: {why}", inner);
}
