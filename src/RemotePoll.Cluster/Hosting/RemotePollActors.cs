using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Hosting;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Admin;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Replication;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Settings;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Hosting;

/// <summary>One extension per capability, composed in <see cref="RemotePollNode.AddRemotePoll"/>.</summary>
public static class RemotePollActors
{
    /// <summary>Shards are fixed for the life of a cluster: never change this number on a running deployment.</summary>
    public const int ShardCount = 100;

    /// <summary>The account shard region's type name (its path is /system/sharding/accounts on every node).</summary>
    public const string AccountsRegionName = "accounts";

    /// <summary>The wake schedules' shard region type name: one remembered entity per account shard.</summary>
    public const string WakeSchedulesRegionName = "wake-schedules";

    /// <summary>
    /// Accounts are not remembered: a node that starts recovers the hundred wake schedules, and each schedule starts
    /// its accounts when their polls come due (<see cref="WakeSchedule"/>). Accounts are not passivated when idle.
    /// </summary>
    public static AkkaConfigurationBuilder AddAccountSharding(this AkkaConfigurationBuilder builder, PollEnvironment env) =>
        builder
            .WithShardRegion<AccountRegion>(
                AccountsRegionName,
                address => AccountEntity.Props(address, env),
                new AccountMessageExtractor(ShardCount),
                new ShardOptions
                {
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    ShouldPassivateIdleEntities = false,
                })
            .WithShardRegion<WakeScheduleRegion>(
                WakeSchedulesRegionName,
                shard => WakeSchedule.Props(shard, env.Stats),
                new WakeScheduleMessageExtractor(ShardCount),
                new ShardOptions
                {
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = true,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    ShouldPassivateIdleEntities = false,
                    HandOffStopMessage = StopWakeSchedule.Instance,
                })
            .WithActors((system, registry) => system.ActorOf(WakeSchedulesStarter.Props(registry.Get<WakeScheduleRegion>()), "wake-schedules-starter"));

    /// <summary>
    /// The module-settings, directory and host-health (Delay Failed Hosts) singletons, which replicate their data to every
    /// node, and on every node the <see cref="ReplicaCaches"/> that keep the pollers' and the admin API's copies current
    /// and confirm each change.
    /// </summary>
    public static AkkaConfigurationBuilder AddReplicatedSettings(this AkkaConfigurationBuilder builder, PollEnvironment env) =>
        builder
            .WithSingleton<ModuleSettingsActor>(ModuleSettingsSingleton, Props.Create(() => new ModuleSettingsActor()))
            .WithSingleton<DirectoryActor>(DirectorySingleton, Props.Create(() => new DirectoryActor()))
            .WithSingleton<HostHealth>(HostHealthSingleton, HostHealth.Props(env.Clock))
            .WithActors((system, _) => system.ActorOf(ReplicaCaches.Props(env.Settings, env.Directory, env.FailedHosts), ReplicaCaches.Name));

    /// <summary>The OAuth2 provider registry singleton, and on every node a watcher that keeps the pollers' copy fresh.</summary>
    public static AkkaConfigurationBuilder AddOAuthProviders(this AkkaConfigurationBuilder builder, ISecretSealer sealer, OAuthProviderCache cache) =>
        builder
            .WithSingleton<OAuthProviderRegistry>(OAuthProvidersSingleton, OAuthProviderRegistry.Props(sealer))
            .WithActors((system, registry) => system.ActorOf(SingletonWatcher.Props(registry.Get<OAuthProviderRegistry>(), new GetOAuthProviders(),
                answer => { if (answer is OAuthProvidersSnapshot s) cache.Update(s.Providers); }), "oauth-providers-watcher"));

    /// <summary>Processes: the cluster-wide cap on remote sessions; and its separate pool for held push connections (push-connections).</summary>
    public static AkkaConfigurationBuilder AddConnectionGovernor(this AkkaConfigurationBuilder builder, ModuleSettingsCache settings) =>
        builder
            .WithSingleton<ConnectionGovernor>(ConnectionGovernorSingleton, ConnectionGovernor.Props(settings))
            .WithSingleton<PushGovernor>(PushGovernorSingleton, ConnectionGovernor.PushProps(settings));

    /// <summary>A warning when a singleton cannot be found, once it is true (Akka's own fires at start-up: off in node.conf).</summary>
    public static AkkaConfigurationBuilder AddSingletonLookout(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, _) => system.ActorOf(SingletonLookout.Props(Singletons), "singleton-lookout"));

    public const string ModuleSettingsSingleton = "module-settings";
    public const string DirectorySingleton = "directory";
    public const string HostHealthSingleton = "host-health";
    public const string ConnectionGovernorSingleton = "connection-governor";
    public const string PushGovernorSingleton = "push-governor";
    public const string TokenRevocationsSingleton = "token-revocations";
    public const string OAuthProvidersSingleton = "oauth-providers";

    /// <summary>Every cluster singleton a node runs, by name, for <see cref="SingletonLookout"/>: a new singleton goes here too.</summary>
    public static readonly IReadOnlyList<string> Singletons =
        [ModuleSettingsSingleton, DirectorySingleton, HostHealthSingleton, ConnectionGovernorSingleton, PushGovernorSingleton, TokenRevocationsSingleton,
         OAuthProvidersSingleton];

    /// <summary>The admin API on this node; <paramref name="secret"/> verifies callers' tokens (and signs those it issues).</summary>
    public static AkkaConfigurationBuilder AddAdminApi(this AkkaConfigurationBuilder builder, ISecretSealer sealer, ClusterSecret secret, Stats.PollStats stats,
        PollEnvironment? env = null) =>
        builder
            .WithSingleton<TokenRevocations>(TokenRevocationsSingleton, TokenRevocations.Props())
            .WithClusterClientReceptionist()
            .WithActors((system, registry) =>
            {
                var api = system.ActorOf(AdminApi.Props(registry.Get<AccountRegion>(), registry.Get<ModuleSettingsActor>(),
                    registry.Get<DirectoryActor>(), registry.Get<HostHealth>(), sealer, secret, stats, registry.Get<TokenRevocations>(), env), AdminApi.Name);
                ClusterClientReceptionist.Get(system).RegisterService(api);
                registry.Register<AdminApi>(api);
            });
}

/// <summary>Registry key of the account shard region.</summary>
public sealed class AccountRegion;
