using Akka.Actor;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Tests.Replication;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Tests.Domains;

/// <summary>
/// The directory singleton's own rules (issue 19.1: TestKit tests for the singletons; its replication is in
/// ReplicationTests): names and addresses are checked, <c>domain show</c> of an unknown domain is refused, a change
/// keeps what it does not name, and the domains outlive the actor.
/// </summary>
public sealed class DirectoryActorTests : JournaledTestKit
{
    private static Props Props => Akka.Actor.Props.Create(() => new DirectoryActor());

    [Fact]
    public async Task A_bad_name_or_address_is_refused_and_an_unknown_domain_is_not_shown()
    {
        var actor = Sys.ActorOf(Props);

        var refused = await AskAsync(actor, new DomainSet("example.com:25", ["not-an-address"], null));
        Assert.False(refused.Ok);
        Assert.Equal(["domain", "ip"], (refused.FieldErrors ?? []).Select(f => f.Field));
        var unknown = await AskAsync(actor, new DomainShow("example.com"));
        Assert.False(unknown.Ok);
        Assert.Contains("is not a known domain", unknown.Error);
        Assert.Empty(((DomainsView)(await AskAsync(actor, new DomainList())).Result!).Domains);
    }

    [Fact]
    public async Task A_change_keeps_what_it_does_not_name_and_the_domains_outlive_the_actor()
    {
        var actor = Sys.ActorOf(Props);
        Assert.True((await AskAsync(actor, new DomainSet("Example.COM.", ["127.0.0.2"], true))).Ok);
        Assert.True((await AskAsync(actor, new DomainSet("example.com", null, null))).Ok);

        var again = await RestartAsync(actor, Props);

        var shown = Assert.Single(((DomainsView)(await AskAsync(again, new DomainShow("EXAMPLE.com"))).Result!).Domains);
        Assert.Equal(("example.com", true), (shown.Name, shown.IsMain));
        Assert.Equal(["127.0.0.2"], shown.AssignedIps);
    }
}
