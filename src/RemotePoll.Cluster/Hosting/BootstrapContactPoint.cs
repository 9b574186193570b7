using System.Collections.Immutable;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Management.Dsl;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Newtonsoft.Json;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// Serves the cluster bootstrap's contact-point route, <c>GET /bootstrap/seed-nodes</c>, on the management endpoint.
/// Akka.Management 1.5.73 serves it with Ceen.Httpd 0.9.9, which NuGet no longer offers; the 0.9.10 it resolves to
/// changed <c>HttpServer.ListenAsync</c>, so Akka.Management's own server fails to start (MissingMethodException).
/// This answers the same JSON (Akka.Management's own <see cref="HttpBootstrapJsonProtocol.SeedNodes"/>, Newtonsoft as
/// its client reads it) with the same member selection, and nothing else.
/// </summary>
internal sealed class BootstrapContactPoint : IDisposable
{
    private const string Route = "/bootstrap/seed-nodes";
    /// <summary>As Akka.Management's contact-point.max-seed-nodes-to-expose.</summary>
    private const int MaxSeedNodes = 5;
    private readonly HttpListener _listener = new();
    private readonly ActorSystem _system;

    private BootstrapContactPoint(ActorSystem system, string prefix)
    {
        _system = system;
        _listener.Prefixes.Add(prefix);
    }

    public static BootstrapContactPoint Start(ActorSystem system)
    {
        var http = AkkaManagement.Get(system).Settings.Http;
        var host = http.EffectiveBindHostname is "0.0.0.0" or "::" ? "+" : http.EffectiveBindHostname;
        var endpoint = new BootstrapContactPoint(system, $"http://{host}:{http.EffectiveBindPort}/");
        endpoint._listener.Start();
        _ = endpoint.ServeAsync();
        system.Log.Info($"Cluster bootstrap contact point serving http://{host}:{http.EffectiveBindPort}{Route}");
        system.RegisterOnTermination(endpoint.Dispose);
        return endpoint;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                using var response = context.Response;
                if (context.Request.HttpMethod != "GET" || context.Request.Url?.AbsolutePath.TrimEnd('/') != Route)
                {
                    response.StatusCode = 404;
                    continue;
                }
                var body = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(SeedNodes()));
                response.ContentType = "application/json";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                _system.Log.Debug($"bootstrap contact point: {ex.Message}");
            }
        }
    }

    /// <summary>The members a joining node may use as seeds: reachable ones that are Up, WeaklyUp or Joining.</summary>
    private HttpBootstrapJsonProtocol.SeedNodes SeedNodes()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
            return new(self.UniqueAddress.Address, []);
        var state = cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m))
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(MaxSeedNodes)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return new(self.UniqueAddress.Address, members);
    }

    public void Dispose() => _listener.Close();
}
