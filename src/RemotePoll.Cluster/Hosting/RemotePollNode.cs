using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Hosting;

/// <summary>The whole node on one screen: HOCON, serialization, remoting, clustering, persistence and the actors.</summary>
public static class RemotePollNode
{
    public static AkkaConfigurationBuilder AddRemotePoll(this AkkaConfigurationBuilder builder, NodeOptions options, PollEnvironment env,
        ClusterSecret secret)
    {
        foreach (var file in options.HoconFiles) // each prepended over the ones before
            builder.AddHocon(ConfigurationFactory.ParseString(File.ReadAllText(file)), HoconAddMode.Prepend);
        if (options.Tls is { } tls) builder.AddHocon(ClusterTls.Hocon, HoconAddMode.Prepend).AddSetup(tls.Setup());
        return builder
            .AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .WithRemoting(options.Hostname, options.Port)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = options.SeedAddresses.ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .AddClusterBootstrap(options)
            .AddRemotePollPersistence(options)
            .AddReplicatedSettings(env)
            .AddOAuthProviders(env.Sealer, env.OAuthProviders)
            .AddConnectionGovernor(env.Settings)
            .AddSingletonLookout()
            .AddAccountSharding(env)
            .AddAdminApi(env.Sealer, secret, env.Stats, env);
    }
}
