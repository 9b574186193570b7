using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Tests.Serialization;

/// <summary><c>poll --wait</c> follows a poll with a ticket and short progress requests; all of it crosses ClusterClient.</summary>
public sealed class PollProgressSerializationTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly ActorSystem _system = ActorSystem.Create("poll-progress-serializer-test", SerializationConfig.Hocon
        .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));

    public static TheoryData<object> Samples() =>
    [
        new AdminRequest("token", new PollRecord("a@b.c", RecordKind.Rpop, "home", true) { Ticket = "0123456789abcdef" }),
        new AdminRequest("token", new GetPollProgress("a@b.c", RecordKind.Rimap, "work", "0123456789abcdef")),
        new AdminReply(new PollProgressView("t", PollProgressView.Running, 200, 1_638_400, T, null)),
        new AdminReply(new PollProgressView("t", PollProgressView.Ended, 0, 0, T,
            new PollReport("a@b.c", "RPOP", "home", false, 0, 0, 0, "ConnectionFailed", "no answer within 00:01:00", T, T.AddMinutes(1), []))),
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Round_trips_with_its_ticket_and_progress(object message)
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
        Assert.IsType<RemotePollSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var back = serializer.FromBinary(bytes, serializer.Manifest(message));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
        if (message is AdminRequest { Command: PollRecord p }) Assert.Equal(p.Ticket, ((PollRecord)((AdminRequest)back).Command).Ticket);
        if (message is AdminReply { Result: PollProgressView v })
        {
            var w = Assert.IsType<PollProgressView>(((AdminReply)back).Result);
            Assert.Equal(v with { Report = null }, w with { Report = null }); // a report's folder list compares by reference
            Assert.Equal(v.Report?.Error, w.Report?.Error);
        }
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
