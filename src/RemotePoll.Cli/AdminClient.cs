using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Contracts;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Cli;

/// <summary>
/// A connection to the admin API of a cluster through Akka's ClusterClient: a small remote-only ActorSystem with
/// the nodes' serializer set-up, whose client finds the receptionist at the contact node.
/// </summary>
public sealed class AdminClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly ActorSystem _system;
    private readonly IActorRef _client;

    private AdminClient(ActorSystem system, IActorRef client)
    {
        _system = system;
        _client = client;
    }

    /// <param name="tls">The cluster transport TLS (the CLI's own certificate and the cluster CA), or null for plain TCP.</param>
    public static AdminClient Connect(HostAndPort contact, ClusterTls? tls = null)
    {
        var scheme = tls is null ? ClusterTls.PlainScheme : ClusterTls.TlsScheme;
        var local = LocalAddressFor(contact.Host);
        var config = ConfigurationFactory.ParseString($$"""
                akka {
                  loglevel = ERROR
                  stdout-loglevel = OFF
                  log-dead-letters = off
                  log-dead-letters-during-shutdown = off
                  actor.provider = remote
                  remote.dot-netty.tcp { hostname = "{{local}}", port = 0 }
                  remote.dot-netty.tcp.maximum-frame-size = 4 MiB
                  cluster.client {
                    initial-contacts = ["{{scheme}}://{{AdminProtocol.SystemName}}@{{contact}}/system/receptionist"]
                    establishing-get-contacts-interval = 1s
                    reconnect-timeout = 30s
                  }
                }
                """)
            .WithFallback(SerializationHocon.Admin)
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig());
        if (tls is not null) config = ClusterTls.Hocon.WithFallback(config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (tls is not null) setup = setup.And(tls.Setup());
        var system = ActorSystem.Create("rpoll-cli", setup);
        var client = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system)), "client");
        return new AdminClient(system, client);
    }

    /// <summary>Sends one request; throws <see cref="TimeoutException"/> when no node answers in time.</summary>
    public async Task<AdminReply> SendAsync(AdminRequest request)
    {
        // A poll with Wait and no ticket answers when the poll ends (rpoll itself follows polls with a ticket: PollFollower).
        var timeout = request.Command is Core.Accounts.Commands.PollRecord { Wait: true, Ticket: null } ? TimeSpan.FromMinutes(31) : Timeout;
        try
        {
            return await _client.Ask<AdminReply>(new ClusterClient.Send(AdminProtocol.AdminApiPath, request, localAffinity: true), timeout);
        }
        catch (AskTimeoutException)
        {
            throw new TimeoutException($"no answer from the cluster within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Stops the client's ActorSystem, waiting at most a few seconds (a dead contact can hold remoting up).</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAny(_system.Terminate(), Task.Delay(TimeSpan.FromSeconds(5)));

    /// <summary>The local address the contact can reach us at: loopback for a loopback contact, else the routed one.</summary>
    private static string LocalAddressFor(string host)
    {
        if (Environment.GetEnvironmentVariable("RPOLL_CLI_HOSTNAME") is { Length: > 0 } h) return h;
        if (host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))) return "127.0.0.1";
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Connect(host, 9);
            return ((IPEndPoint)s.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException)
        {
            return "0.0.0.0";
        }
    }
}
