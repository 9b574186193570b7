using Akka.Actor;
using RemotePoll.Cluster.Settings;
using RemotePoll.Cluster.Tests.Replication;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Settings;

/// <summary>
/// The module-settings singleton's own rules (issue 19.1: TestKit tests for the singletons; its replication is in
/// ReplicationTests): <c>module show</c>, a refused value changes nothing, and the settings outlive the actor.
/// </summary>
public sealed class ModuleSettingsActorTests : JournaledTestKit
{
    private static Props Props => Akka.Actor.Props.Create(() => new ModuleSettingsActor());

    private static async Task<ModuleSettings> ShowAsync(IActorRef actor) => ((ModuleSettingsView)(await AskAsync(actor, new ModuleShow())).Result!).Settings;

    [Fact]
    public async Task A_value_it_refuses_names_the_key_and_changes_nothing()
    {
        var actor = Sys.ActorOf(Props);

        var refused = await AskAsync(actor, new ModuleSet("processes", "many"));

        Assert.False(refused.Ok);
        Assert.Contains(refused.FieldErrors ?? [], f => f.Field == "processes");
        Assert.Equal(ModuleSettings.Default, await ShowAsync(actor));
    }

    [Fact]
    public async Task Settings_outlive_the_actor()
    {
        var actor = Sys.ActorOf(Props);
        Assert.True((await AskAsync(actor, new ModuleSet("delay-failed-hosts", "7m"))).Ok);
        Assert.True((await AskAsync(actor, new ModuleSet("processes", "4"))).Ok);

        var again = await RestartAsync(actor, Props);

        var settings = await ShowAsync(again);
        Assert.Equal((4, TimeSpan.FromMinutes(7)), (settings.Processes, settings.DelayFailedHostsOrDefault));
    }
}
