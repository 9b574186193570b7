using Akka.Discovery.Config.Hosting;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management;
using Akka.Management.Dsl;
using Akka.Management.Cluster.Bootstrap;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Hosting;

/// <summary>
/// Cluster formation without a seed list: Akka.Management serves HTTP on every node, Akka.Discovery finds the other
/// nodes' management endpoints ("config": a fixed list; "kubernetes": the pods labelled
/// <c>app.kubernetes.io/name=SERVICE</c> in the node's namespace, their container port named "management"), and
/// Cluster Bootstrap joins a cluster one of them is in, or, when none is and at least the required number of contact
/// points answer, lets the node with the lowest contact point form it.
/// </summary>
public static class NodeBootstrap
{
    public const string Config = "config";
    public const string Kubernetes = "kubernetes";
    public const string PortName = "management";
    public const string PodLabelSelector = "app.kubernetes.io/name={0}";

    public static AkkaConfigurationBuilder AddClusterBootstrap(this AkkaConfigurationBuilder builder, NodeOptions options)
    {
        if (options.Bootstrap is null) return builder;
        builder.WithAkkaManagement(m =>
        {
            if (options.Management is null) return;
            var hp = HostAndPort.Parse(options.Management);
            m.HostName = hp.Host;
            m.Port = hp.Port!.Value;
        }, autoStart: false);
        builder.WithClusterBootstrap(b =>
        {
            b.ContactPointDiscovery.ServiceName = options.BootstrapService;
            // A port name keeps several endpoints on one host apart (config discovery on loopback) and selects the
            // pods' "management" container port (Kubernetes).
            b.ContactPointDiscovery.PortName = PortName;
            b.ContactPointDiscovery.RequiredContactPointsNr = options.BootstrapRequired;
        }, autoStart: false);
        builder.AddStartup(async (system, _) =>
        {
            // Akka.Management computes the self contact point, then fails to bind its HTTP server (see
            // BootstrapContactPoint); the node serves the contact-point route itself and starts the bootstrap.
            try { await AkkaManagement.Get(system).Start(); }
            catch (InvalidOperationException ex) when (ex.InnerException is MissingMethodException)
            {
                BootstrapContactPoint.Start(system);
            }
            await ClusterBootstrap.Get(system).Start();
        });
        return options.Bootstrap == Kubernetes
            ? builder.WithKubernetesDiscovery(k => k.PodLabelSelector = PodLabelSelector)
            : builder.WithConfigDiscovery(c => c.Services.Add(new Service
            {
                Name = options.BootstrapService,
                Endpoints = [.. options.BootstrapEndpoints],
            }));
    }
}
