using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Tests.Serialization;

/// <summary>
/// Issue 20 point 3 through the real serializer: a folder mark's HIGHESTMODSEQ and a record's Sync Flags are persisted, and
/// events and snapshots written before they existed still read (HIGHESTMODSEQ 0: unknown; Sync Flags off).
/// </summary>
public sealed class SyncFlagsSerializationTests : IDisposable
{
    private static readonly RimapRecord Gmail = new("Gmail", PollPeriod.Every(TimeSpan.FromHours(1)), "j", HostAndPort.Parse("imap.example.com"),
        new SealedSecret("v1:k1:AAAA"), ConnectionSecurity.SslTls) { SyncFlags = true };

    private readonly ActorSystem _system = ActorSystem.Create("sync-flags-test", SerializationConfig.Hocon
        .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private T RoundTrip<T>(T message, Func<JsonObject, bool>? older = null) where T : notnull
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        if (older is not null)
        {
            var json = JsonNode.Parse(bytes)!.AsObject();
            Assert.True(older(json));
            bytes = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        }
        return (T)serializer.FromBinary(bytes, serializer.Manifest(message));
    }

    [Fact]
    public void A_folder_marks_modseq_survives_the_event_and_the_snapshot()
    {
        var marked = new RimapFolderMarked("Gmail", "INBOX", new FolderMark(1_700_000_000, 42, ulong.MaxValue - 1));
        Assert.Equal(marked, RoundTrip(marked));

        var state = AccountState.Empty("a@b.c").Apply(new RimapRecordSaved(Gmail)).Apply(marked);
        var restored = RoundTrip(AccountSnapshot.From(state)).ToState();
        Assert.Equal(ulong.MaxValue - 1, restored.MarksOf("Gmail")["INBOX"].HighestModSeq);
        Assert.True(restored.Rimap["Gmail"].SyncFlags);
    }

    [Fact]
    public void A_mark_and_a_record_persisted_before_sync_flags_read_as_unknown_and_off()
    {
        var marked = RoundTrip(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(7, 42, 99)), json => json["mark"]!.AsObject().Remove("highestModSeq"));
        Assert.Equal(new FolderMark(7, 42), marked.Mark);

        var saved = RoundTrip(new RimapRecordSaved(Gmail), json => json["record"]!.AsObject().Remove("syncFlags"));
        Assert.False(saved.Record.SyncFlags);
    }

    [Fact]
    public void A_snapshot_written_before_modseqs_restores_its_marks()
    {
        var state = AccountState.Empty("a@b.c").Apply(new RimapRecordSaved(Gmail))
            .Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(7, 42, 99)));
        var restored = RoundTrip(AccountSnapshot.From(state), json =>
        {
            var marks = json.ToJsonString();
            var removed = 0;
            foreach (var mark in json.DescendantsNamed("highestModSeq")) { mark.Remove("highestModSeq"); removed++; }
            return removed > 0 && marks.Contains("highestModSeq", StringComparison.Ordinal);
        }).ToState();
        Assert.Equal(new FolderMark(7, 42), restored.MarksOf("Gmail")["INBOX"]);
    }
}

internal static class JsonNodeSearch
{
    /// <summary>Every object below <paramref name="node"/> (itself included) that has a property of that name.</summary>
    public static IReadOnlyList<JsonObject> DescendantsNamed(this JsonNode node, string name)
    {
        var found = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if (o.ContainsKey(name)) found.Add(o);
                    foreach (var (_, v) in o) Walk(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Walk(v);
                    break;
            }
        }
        Walk(node);
        return found;
    }
}
