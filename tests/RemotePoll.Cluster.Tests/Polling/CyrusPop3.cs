using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>Cyrus pop3d 3.6 as it answers an empty maildrop: its CAPA, then USER/PASS, STAT, UIDL, LIST and QUIT.</summary>
internal sealed class CyrusPop3 : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _loginDelay;
    private readonly string _pass;
    private readonly Task _serving;
    private int _logins;

    public CyrusPop3(string loginDelay, string pass = "+OK Mailbox locked and ready")
    {
        _loginDelay = loginDelay;
        _pass = pass;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Logins => Volatile.Read(ref _logins);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                async Task Say(string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text + "\r\n"), _stop.Token);
                await Say("+OK cyrus.example.com Cyrus POP3 v3.6.1 server ready <1896.697170952@cyrus.example.com>");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    if (verb == "CAPA")
                        await Say($"+OK List of capabilities follows\r\nEXPIRE NEVER\r\n{_loginDelay}\r\nTOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nUSER\r\nIMPLEMENTATION Cyrus POP3 3.6.1\r\n.");
                    else if (verb == "USER") await Say("+OK Name is a valid mailbox");
                    else if (verb == "PASS")
                    {
                        if (_pass.StartsWith('+')) Interlocked.Increment(ref _logins);
                        await Say(_pass);
                    }
                    else if (verb == "STAT") await Say("+OK 0 0");
                    else if (verb is "UIDL" or "LIST") await Say("+OK\r\n.");
                    else if (verb == "QUIT") { await Say("+OK"); break; }
                    else await Say("-ERR Unrecognized command");
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _serving; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
