using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace RemotePoll.Mail.Net;

/// <summary>
/// How every remote session reaches its server: resolve (or take the caller's checked addresses), bind the source
/// address, connect within a deadline, and for TLS validate the certificate (system store plus the CA file, host name
/// always checked). Failures come back through the session's own typed exception, built by the caller.
/// </summary>
internal static class RemoteConnector
{
    /// <param name="fail">Builds the session's exception from a reason such as "connection refused".</param>
    public static async Task<Socket> ConnectAsync(string host, int port, IPAddress? sourceAddress,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolver, TimeSpan timeout, Func<string, Exception?, Exception> fail,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await (resolver ?? Dns.GetHostAddressesAsync)(host, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw fail($"cannot resolve the host name: {e.Message}", e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw fail($"resolving the host name took longer than {timeout}", null);
        }
        if (sourceAddress is { } source)
            addresses = addresses.Where(a => a.AddressFamily == source.AddressFamily).ToArray();
        if (addresses.Length == 0)
            throw fail("the host has no address" + (sourceAddress is null ? "" : $" reachable from {sourceAddress}"), null);

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (sourceAddress is { } from) socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw fail($"no connection within {timeout}", null);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        var why = last?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            SocketError.AddressNotAvailable => $"the source address {sourceAddress} is not available",
            SocketError.TimedOut => "connection timed out",
            _ => last?.Message ?? "cannot connect",
        };
        throw fail(why, last);
    }

    /// <summary>
    /// The connected socket as a stream, and the address it reached. A peer that has already reset the connection (the
    /// kernel then answers ENOTCONN) fails through <paramref name="fail"/> like a refused connection.
    /// </summary>
    public static (Stream Stream, IPEndPoint? Peer) Open(Socket socket, Func<string, Exception?, Exception> fail)
    {
        try
        {
            var peer = socket.RemoteEndPoint as IPEndPoint;
            return (new NetworkStream(socket, ownsSocket: true), peer);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            socket.Dispose();
            throw fail("the connection was reset", e);
        }
    }

    /// <param name="fail">Builds the session's exception from a reason such as "the certificate is not trusted".</param>
    public static async Task<Stream> HandshakeAsync(Stream network, string host, CertificateTrust trust, TimeSpan timeout,
        Func<string, Exception, Exception> fail, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = trust.Validate,
            }, deadline.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw fail(trust.LastFailure ?? (deadline.IsCancellationRequested ? $"no TLS handshake within {timeout}" : e.Message), e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
