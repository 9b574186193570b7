using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Tests.Replication;

/// <summary>
/// A one-node cluster on the real SQLite journal, for a persistent singleton's tests: the singleton runs as a plain
/// actor, asked as the admin API asks it.
/// </summary>
public abstract class JournaledTestKit : TestKit
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-singleton-").FullName;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
    // The first request waits for the journal to start and the actor to recover: slow on a loaded 2-core machine.
    protected static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    protected static async Task<AdminReply> AskAsync(IActorRef actor, object command) => await actor.Ask<AdminReply>(command, AskTimeout, Ct);

    /// <summary>Stops <paramref name="actor"/> and starts it again from <paramref name="props"/>: it recovers from the journal.</summary>
    protected async Task<IActorRef> RestartAsync(IActorRef actor, Props props)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(actor, cancellationToken: Ct);
        return Sys.ActorOf(props);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
