using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Tests.Serialization;

/// <summary>An account snapshot through the real serializer restores UID ledgers and folder marks.</summary>
public sealed class AccountSnapshotTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly SealedSecret Sealed = new("v1:k1:AAAA");
    private static readonly RpopRecord Home = new("Home", PollPeriod.Every(TimeSpan.FromMinutes(5)), "john", HostAndPort.Parse("pop.example.net"), Sealed, Leave: true);
    private static readonly RpopRecord Work = new("Work", PollPeriod.Disabled, "john", HostAndPort.Parse("pop.example.com"), Sealed);
    private static readonly RimapRecord Gmail = new("Gmail", PollPeriod.Every(TimeSpan.FromHours(1)), "j", HostAndPort.Parse("imap.example.com"), Sealed, ConnectionSecurity.SslTls);
    private static readonly RimapRecord Office = new("Office", PollPeriod.Disabled, "j", HostAndPort.Parse("imap.example.org"), Sealed);

    private readonly ActorSystem _system = ActorSystem.Create("snapshot-test", SerializationConfig.Hocon
        .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));

    private static AccountState Mirrored() => new IAccountEvent[]
    {
        new RpopRecordSaved(Home), new RpopRecordSaved(Work), new RimapRecordSaved(Gmail), new RimapRecordSaved(Office),
        new LedgerChanged("Home", new LedgerChange(["UidA", "uida", "d-2"], ["r-1", "r-2"], [])),
        new LedgerChanged("Work", new LedgerChange([], ["only-rejected"], [])),
        new RimapFolderMarked("Gmail", "INBOX", new FolderMark(1_700_000_000, 42)),
        new RimapFolderMarked("Gmail", "[Gmail]/Sent Mail", new FolderMark(uint.MaxValue, uint.MaxValue)),
        new RimapFolderMarked("Office", "Archive/2025", new FolderMark(3, 0)),
        new RimapOrderPlaced("Office", T),
        new PollSucceeded(RecordKind.Rpop, "Home", T, 3, 1234),
        new PollFailed(RecordKind.Rimap, "Gmail", T, PollErrorKind.AuthenticationFailed, "NO [AUTHENTICATIONFAILED]"),
    }.Aggregate(AccountState.Empty("a@b.c"), (s, e) => s.Apply(e));

    private (AccountSnapshot Snapshot, byte[] Bytes) RoundTrip(AccountSnapshot snapshot)
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(snapshot);
        Assert.IsType<RemotePollSerializer>(serializer);
        var bytes = serializer.ToBinary(snapshot);
        return ((AccountSnapshot)serializer.FromBinary(bytes, serializer.Manifest(snapshot)), bytes);
    }

    [Fact]
    public void Unified_duplicate_ledgers_survive_a_round_trip_and_their_event_has_a_manifest()
    {
        var change = new RemotePoll.Core.Unified.UnifiedChange(["<m@x>/abc/alice@example.com"], ["c1/alice@example.com"], T, TimeSpan.FromDays(1));
        var state = Mirrored().Apply(new UnifiedDeliveriesRecorded("Home", change));

        var restored = RoundTrip(AccountSnapshot.From(state)).Snapshot.ToState();

        Assert.Equal(state.UnifiedLedgerOf("Home"), restored.UnifiedLedgerOf("Home"));
        Assert.True(restored.UnifiedLedgerOf("home").WasSeen("<m@x>/abc/alice@example.com", T, TimeSpan.FromDays(1)));
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new UnifiedDeliveriesRecorded("Home", change));
        var back = (UnifiedDeliveriesRecorded)serializer.FromBinary(serializer.ToBinary(new UnifiedDeliveriesRecorded("Home", change)), "ev.unified-deliveries");
        Assert.Equal(change.Seen, back.Change.Seen);
        Assert.Equal(change.At, back.Change.At);
    }

    [Fact]
    public void Ledgers_marks_orders_and_status_survive_a_round_trip()
    {
        var state = Mirrored();

        var restored = RoundTrip(AccountSnapshot.From(state)).Snapshot.ToState();

        Assert.Equal(state.LedgerOf("Home"), restored.LedgerOf("Home"));
        Assert.Equal(["UidA", "d-2", "uida"], restored.LedgerOf("Home").Delivered.Order(StringComparer.Ordinal));
        Assert.Equal(["r-1", "r-2"], restored.LedgerOf("Home").Rejected.Order());
        Assert.Equal(["only-rejected"], restored.LedgerOf("Work").Rejected);
        Assert.Empty(restored.LedgerOf("Work").Delivered);
        Assert.Equal(2, restored.Ledgers.Count);

        Assert.Equal(state.MarksOf("Gmail"), restored.MarksOf("Gmail"));
        Assert.Equal(new FolderMark(uint.MaxValue, uint.MaxValue), restored.MarksOf("Gmail")["[Gmail]/Sent Mail"]);
        Assert.Equal(new FolderMark(3, 0), Assert.Single(restored.MarksOf("Office")).Value);
        Assert.Equal(2, restored.Marks.Count);

        Assert.Equal(T, restored.Rimap["Office"].ExtOrder);
        Assert.Equal(Gmail, restored.Rimap["Gmail"]);
        Assert.Equal(state.StatusOf(RecordKind.Rpop, "Home"), restored.StatusOf(RecordKind.Rpop, "Home"));
        Assert.Equal(state.StatusOf(RecordKind.Rimap, "Gmail"), restored.StatusOf(RecordKind.Rimap, "Gmail"));
    }

    [Fact]
    public void A_restored_snapshot_serializes_to_the_same_bytes()
    {
        var (back, bytes) = RoundTrip(AccountSnapshot.From(Mirrored()));

        var (_, again) = RoundTrip(AccountSnapshot.From(back.ToState()));

        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(again));
    }

    [Fact]
    public void Restored_ledgers_and_marks_find_records_without_case_and_uids_with_case()
    {
        var restored = RoundTrip(AccountSnapshot.From(Mirrored())).Snapshot.ToState();

        Assert.True(restored.LedgerOf("HOME").Knows("UidA"));
        Assert.True(restored.LedgerOf("home").Knows("uida"));
        Assert.False(restored.LedgerOf("home").Knows("UIDA"));
        Assert.Equal(new FolderMark(1_700_000_000, 42), restored.MarksOf("gmail")["INBOX"]);
        Assert.False(restored.MarksOf("Gmail").ContainsKey("inbox"));
    }

    [Fact]
    public void Deliveries_in_flight_survive_a_round_trip_and_are_cleared_by_the_commit_of_their_uids()
    {
        var state = Mirrored().Apply(new DeliveriesStarted("Home", [new("n-1", "id1"), new("n-2", "id2"), new("n-3", "id3")]));

        var restored = RoundTrip(AccountSnapshot.From(state)).Snapshot.ToState();

        Assert.Equal(state.LedgerOf("Home"), restored.LedgerOf("Home"));
        Assert.Equal("id2", restored.LedgerOf("Home").InFlight["n-2"]);
        var after = restored.Apply(new LedgerChanged("Home", new LedgerChange(["n-1"], ["n-2"], [])));
        Assert.Equal(["n-3"], after.LedgerOf("Home").InFlight.Keys);
        Assert.Empty(after.Apply(new LedgerChanged("Home", new LedgerChange([], [], ["n-3"]))).LedgerOf("Home").InFlight);
    }

    [Fact]
    public void Message_sizes_of_recorded_uids_survive_the_event_and_the_snapshot_and_old_events_without_them_still_read()
    {
        var change = new LedgerChange(["s-1"], ["s-2"], []) { Sizes = new Dictionary<string, long> { ["s-1"] = 1234, ["s-2"] = 99 } };
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new LedgerChanged("Home", change));
        var eventBytes = serializer.ToBinary(new LedgerChanged("Home", change));
        var back = (LedgerChanged)serializer.FromBinary(eventBytes, serializer.Manifest(new LedgerChanged("Home", change)));
        var json = JsonNode.Parse(eventBytes)!.AsObject();
        Assert.True(json["change"]!.AsObject().Remove("sizes"));
        var older = (LedgerChanged)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()),
            serializer.Manifest(new LedgerChanged("Home", change)));

        var state = Mirrored().Apply(back);
        var restored = RoundTrip(AccountSnapshot.From(state)).Snapshot.ToState();

        Assert.Equal(state.LedgerOf("Home"), restored.LedgerOf("Home"));
        Assert.True(restored.LedgerOf("Home").Matches("s-1", 1234));
        Assert.False(restored.LedgerOf("Home").Matches("s-1", 1235));
        Assert.False(restored.LedgerOf("Home").Matches("s-2", 100));
        Assert.Null(older.Change.Sizes);
        Assert.True(Mirrored().Apply(older).LedgerOf("Home").Matches("s-1", 1235));
    }

    [Fact]
    public void A_restored_state_goes_on_applying_events()
    {
        var restored = RoundTrip(AccountSnapshot.From(Mirrored())).Snapshot.ToState();

        var after = restored
            .Apply(new LedgerChanged("Home", new LedgerChange(["r-1"], [], ["d-2"])))
            .Apply(new RimapFolderMarked("Gmail", "INBOX", new FolderMark(1_700_000_000, 50)))
            .Apply(new RimapOrderCleared("Office", T))
            .Apply(new RecordRemoved(RecordKind.Rpop, "work"))
            .Apply(new RecordRemoved(RecordKind.Rimap, "OFFICE"));

        Assert.Equal(["UidA", "r-1", "uida"], after.LedgerOf("Home").Delivered.Order(StringComparer.Ordinal));
        Assert.Equal(["r-2"], after.LedgerOf("Home").Rejected);
        Assert.Equal(50u, after.MarksOf("Gmail")["INBOX"].HighestUid);
        Assert.Equal(["Home"], after.Ledgers.Keys);
        Assert.Equal(["Gmail"], after.Marks.Keys);
    }

    [Fact]
    public void An_account_without_ledgers_or_marks_round_trips_empty()
    {
        var state = AccountState.Empty("a@b.c").Apply(new RpopRecordSaved(Home)).Apply(new RimapRecordSaved(Gmail));

        var (back, _) = RoundTrip(AccountSnapshot.From(state));

        Assert.Empty(back.Ledgers);
        Assert.Empty(back.Marks);
        var restored = back.ToState();
        Assert.Equal(UidLedger.Empty, restored.LedgerOf("Home"));
        Assert.Empty(restored.MarksOf("Gmail"));
    }

    [Fact]
    public void A_snapshot_written_before_ledgers_and_marks_existed_restores_with_empty_ones()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(AccountSnapshot.From(Mirrored()));
        var json = JsonNode.Parse(serializer.ToBinary(AccountSnapshot.From(Mirrored())))!.AsObject();
        Assert.True(json.Remove("ledgers") && json.Remove("marks"));

        var old = (AccountSnapshot)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), "snap.account");
        var restored = old.ToState();

        Assert.Equal(UidLedger.Empty, restored.LedgerOf("Home"));
        Assert.Empty(restored.MarksOf("Gmail"));
        Assert.Equal(Home, restored.Rpop["home"]);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
