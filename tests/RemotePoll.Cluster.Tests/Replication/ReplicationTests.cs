using Akka.Actor;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Replication;
using RemotePoll.Cluster.Settings;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Replication;

/// <summary>
/// Issue 19 point 4 on a one-node cluster with the real SQLite journal: the module-settings and directory singletons
/// replicate their data (Akka.DistributedData) to the node's <see cref="ReplicaCaches"/>, and answer a change only once
/// the node's cache holds it; a node that does not confirm is named in the reply's warning and the command still answers.
/// </summary>
public sealed class ReplicationTests : JournaledTestKit
{
    private readonly ModuleSettingsCache _settings = new();
    private readonly DirectoryCache _directory = new();

    private Task JoinedAsync() => this.JoinItselfAsync(AskTimeout, Ct);

    private IActorRef StartCaches() => Sys.ActorOf(ReplicaCaches.Props(_settings, _directory, new RemotePoll.Cluster.Hosts.FailedHostsCache()), ReplicaCaches.Name);

    [Fact]
    public async Task Module_set_answers_once_this_nodes_copy_holds_the_change()
    {
        await JoinedAsync();
        StartCaches();
        var singleton = Sys.ActorOf(Props.Create(() => new ModuleSettingsActor()));

        foreach (var n in new[] { 3, 5, 7 })
        {
            var reply = await singleton.Ask<AdminReply>(new ModuleSet("push-connections", n.ToString(global::System.Globalization.CultureInfo.InvariantCulture)), AskTimeout, Ct);

            Assert.True(reply.Ok, reply.Error);
            Assert.Null(reply.Warning);
            Assert.Equal(n, _settings.Current?.PushConnections);
        }
    }

    [Fact]
    public async Task Domain_set_answers_once_this_nodes_copy_of_the_directory_holds_the_change()
    {
        await JoinedAsync();
        StartCaches();
        var singleton = Sys.ActorOf(Props.Create(() => new DirectoryActor()));

        var reply = await singleton.Ask<AdminReply>(new DomainSet("example.com", ["127.0.0.2"], true), AskTimeout, Ct);

        Assert.True(reply.Ok, reply.Error);
        Assert.Null(reply.Warning);
        Assert.Equal("example.com", _directory.Current.MainDomain);
        Assert.Equal(["127.0.0.2"], _directory.Current.Domains["example.com"].AssignedIps);
    }

    [Fact]
    public async Task A_node_that_does_not_confirm_is_named_in_a_warning_and_the_change_still_answers()
    {
        await JoinedAsync(); // no ReplicaCaches on this node: nothing confirms
        var singleton = Sys.ActorOf(Props.Create(() => new ModuleSettingsActor()));

        var reply = await singleton.Ask<AdminReply>(new ModuleSet("processes", "4"), AskTimeout, Ct);

        Assert.True(reply.Ok, reply.Error);
        Assert.Contains(Akka.Cluster.Cluster.Get(Sys).SelfAddress.ToString(), reply.Warning);
        Assert.Equal(4, ((ModuleSettingsView)reply.Result!).Settings.Processes);
    }

    [Fact]
    public async Task A_confirmation_waits_for_the_version_asked_and_a_stale_write_does_not_replace_a_newer_one()
    {
        await JoinedAsync();
        var caches = StartCaches();
        var asker = CreateTestProbe();

        caches.Tell(new ConfirmReplica(ReplicaKeys.Settings.Id, 5), asker);
        await ReplicaPublisher.WriteAsync(Sys, ReplicaKeys.Settings, new ReplicatedSettings(4, ModuleSettings.Default with { Processes = 4 }));
        await asker.ExpectNoMsgAsync(TimeSpan.FromSeconds(1), Ct);
        await ReplicaPublisher.WriteAsync(Sys, ReplicaKeys.Settings, new ReplicatedSettings(5, ModuleSettings.Default with { Processes = 5 }));
        await asker.ExpectMsgAsync<ReplicaConfirmed>(c => Assert.Equal(5, c.Version), AskTimeout, cancellationToken: Ct);

        await ReplicaPublisher.WriteAsync(Sys, ReplicaKeys.Settings, new ReplicatedSettings(3, ModuleSettings.Default with { Processes = 3 }));
        caches.Tell(new ConfirmReplica(ReplicaKeys.Settings.Id, 5), asker);
        await asker.ExpectMsgAsync<ReplicaConfirmed>(AskTimeout, cancellationToken: Ct);
        Assert.Equal(5, _settings.Current?.Processes);
    }

    /// <summary>The register crosses processes through Akka.DistributedData's serializer, its value through ours.</summary>
    [Fact]
    public void A_replicated_register_serializes_with_its_value()
    {
        _ = Akka.DistributedData.DistributedData.Get(Sys); // as on a node: its serializers come with the extension
        var node = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
        var value = new ReplicatedDirectory(3, [new DomainSettings("example.com", ["127.0.0.2"], true)]);
        var register = new Akka.DistributedData.LWWRegister<ReplicatedDirectory>(node, value, value.Version);

        var serializer = Sys.Serialization.FindSerializerFor(register);
        var back = (Akka.DistributedData.LWWRegister<ReplicatedDirectory>)Sys.Serialization.Deserialize(serializer.ToBinary(register),
            serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, register));

        Assert.IsNotType<RemotePoll.Cluster.Serialization.RemotePollSerializer>(serializer);
        Assert.Equal(3, back.Value.Version);
        Assert.Equal(value.Domains, back.Value.Domains);
        Assert.Equal("rep.directory", Akka.Serialization.Serialization.ManifestFor(Sys.Serialization.FindSerializerFor(value), value));
    }
}
