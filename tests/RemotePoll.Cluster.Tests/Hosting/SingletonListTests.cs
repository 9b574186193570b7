using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.Singleton;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Akka.Remote.Hosting;
using Akka.TestKit.TestActors;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Tests.Hosting;

/// <summary>
/// The singleton lookout knows every cluster singleton the node's extensions start (it missed token-revocations):
/// each ClusterSingletonManager under /user is listed in <see cref="RemotePollActors.Singletons"/>.
/// </summary>
public sealed class SingletonListTests : TestKit
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-singletons-").FullName;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var keys = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName));
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        var env = new PollEnvironment { Sealer = keys, Queue = maildir, Store = maildir };
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .WithRemoting("127.0.0.1", 0).WithClustering()
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data })
            .AddReplicatedSettings(env)
            .AddOAuthProviders(keys, new OAuthProviderCache())
            .AddConnectionGovernor(env.Settings)
            .AddSingletonLookout()
            // The admin API needs the account region; a stand-in does here.
            .WithActors((system, registry) => registry.Register<AccountRegion>(system.ActorOf(Props.Create(() => new BlackHoleActor()))))
            .AddAdminApi(keys, ClusterSecretFile.LoadOrCreate(_data, _ => null), new Stats.PollStats());
    }

    [Fact]
    public async Task Every_singleton_the_node_starts_is_one_the_lookout_looks_for()
    {
        var user = (ActorRefWithCell)await Sys.ActorSelection("/user").ResolveOne(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var managers = user.Children.OfType<ActorRefWithCell>().Where(c => c.Underlying.Props.Type == typeof(ClusterSingletonManager))
            .Select(c => c.Path.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Contains("token-revocations", managers);
        Assert.Equal(managers, RemotePollActors.Singletons.Order(StringComparer.Ordinal));
    }

    /// <summary>rpoll sends to <see cref="Contracts.AdminProtocol.AdminApiPath"/> (issue 19.3): the node's admin API is there.</summary>
    [Fact]
    public async Task The_admin_api_is_at_the_path_rpoll_sends_to()
    {
        var api = (ActorRefWithCell)await Sys.ActorSelection(Contracts.AdminProtocol.AdminApiPath).ResolveOne(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(typeof(RemotePoll.Cluster.Admin.AdminApi), api.Underlying.Props.Type);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
