using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Contracts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Tests.Serialization;

/// <summary>
/// rpoll's serializer (RemotePoll.Contracts, the admin table only) and the nodes' (the whole table) are one serializer:
/// an admin message is written byte for byte alike on both sides and each reads the other's; the manifests are the ones
/// nodes and CLIs of earlier builds use (issue 19.3: rolling upgrades).
/// </summary>
public sealed class AdminWireTests : IDisposable
{
    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = WARNING");
    private readonly ActorSystem _node = ActorSystem.Create("wire-node", SerializationConfig.Hocon.WithFallback(Quiet));
    private readonly ActorSystem _cli = ActorSystem.Create("wire-cli", SerializationHocon.Admin.WithFallback(Quiet));

    public static TheoryData<object> Messages() =>
    [
        new AdminRequest("token", new ModuleShow()),
        new AdminRequest(null, new SetRpopRecord("a@b.c", new RpopRecordChange("home") { Host = "pop.example.com:995", Leave = true, Every = "10m" })),
        new AdminRequest("t", new PollRecord("a@b.c", RecordKind.Rimap, "work", true) { Ticket = "abc" }),
        new AdminReply(new Done("ok")),
        new AdminReply(null, "refused", [new("Name", "is required")]),
        new AdminReply(new ClusterView("akka.tcp://remotepoll@h:1", null, [new("akka.tcp://remotepoll@h:1", "Up", ["a"], true)])),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_cli_and_the_node_write_an_admin_message_alike_and_read_each_other(object message)
    {
        var node = Serializer(_node, message);
        var cli = Serializer(_cli, message);

        Assert.Equal(node.Identifier, cli.Identifier);
        Assert.Equal(node.Manifest(message), cli.Manifest(message));
        var bytes = cli.ToBinary(message);
        Assert.Equal(Encoding.UTF8.GetString(node.ToBinary(message)), Encoding.UTF8.GetString(bytes));
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(cli.ToBinary(node.FromBinary(bytes, cli.Manifest(message)))));
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(node.ToBinary(cli.FromBinary(bytes, node.Manifest(message)))));
    }

    [Fact]
    public void An_admin_request_keeps_its_wire_form()
    {
        var request = new AdminRequest("tok", new DomainSet("example.com", ["192.0.2.10"], true));
        var serializer = Serializer(_cli, request);

        Assert.Equal(4_711, serializer.Identifier);
        Assert.Equal("admin.request", serializer.Manifest(request));
        Assert.Equal("""{"credential":"tok","command":{"$m":"admin.domain-set","domain":"example.com","ips":["192.0.2.10"],"main":true}}""",
            Encoding.UTF8.GetString(serializer.ToBinary(request)));
    }

    [Fact]
    public void The_node_table_holds_the_admin_table_unchanged_and_every_admin_type_is_in_it()
    {
        Assert.All(AdminManifests.All, a => Assert.Contains(a, MessageManifests.All));
        // an admin command or result registered only in the node's table could not be sent or read by rpoll
        var adminInNodeTable = MessageManifests.All.Where(m => IsAdmin(m.Type));
        Assert.All(adminInNodeTable, m => Assert.Contains(m, AdminManifests.All));
        var adminTypesInCore = typeof(IAdminCommand).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false } && IsAdmin(t));
        Assert.All(adminTypesInCore, t => Assert.Contains(AdminManifests.All, m => m.Type == t));
    }

    [Fact]
    public void The_cli_serializer_knows_no_cluster_message()
    {
        var cli = (SerializerWithStringManifest)_cli.Serialization.FindSerializerForType(typeof(AdminRequest));

        Assert.Throws<ArgumentException>(() => cli.Manifest(new RemotePoll.Cluster.Accounts.FetchAccountState("a@b.c")));
    }

    private static bool IsAdmin(Type t) =>
        typeof(IAdminCommand).IsAssignableFrom(t) || typeof(IAdminResult).IsAssignableFrom(t) || t == typeof(AdminRequest) || t == typeof(AdminReply);

    private static SerializerWithStringManifest Serializer(ActorSystem system, object message)
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        Assert.IsType<RemotePollSerializer>(serializer);
        return (SerializerWithStringManifest)serializer;
    }

    public void Dispose()
    {
        _node.Terminate().Wait(TimeSpan.FromSeconds(10));
        _cli.Terminate().Wait(TimeSpan.FromSeconds(10));
    }
}
