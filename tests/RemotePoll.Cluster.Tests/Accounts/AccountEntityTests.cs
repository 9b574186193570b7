using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Microsoft.Data.Sqlite;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;

namespace RemotePoll.Cluster.Tests.Accounts;

/// <summary>The account entity on the real SQLite journal with the real serializer: commands, events, recovery.</summary>
public sealed class AccountEntityTests : TestKit
{
    private const string Account = "john@example.com";
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-entity-").FullName;
    private readonly KeyRing _sealer;
    private readonly PollEnvironment _env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AccountEntityTests()
    {
        _sealer = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName));
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment { Sealer = _sealer, Queue = maildir, Store = maildir };
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend).AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private IActorRef Entity() => Sys.ActorOf(AccountEntity.Props(Account, _env));

    private async Task<AdminReply> Send(IActorRef entity, IAccountCommand command, string? mainDomain = null) =>
        await entity.Ask<AdminReply>(new AccountEnvelope(command, mainDomain), TimeSpan.FromSeconds(10), Ct);

    private static SetRpopRecord Home(string? password = "s3cret-Pass") => new(Account, new RpopRecordChange("home")
    {
        Host = "pop.example.com:1110", AuthName = "john", Password = password, Leave = true, Every = "disabled",
    });

    private async Task<AccountView> View(IActorRef entity) => (AccountView)(await Send(entity, new GetAccount(Account))).Result!;

    private async Task<IActorRef> Restart(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity);
        return Entity();
    }

    [Fact]
    public async Task Saved_record_is_shown_without_its_password_and_survives_a_restart()
    {
        var entity = Entity();
        var reply = await Send(entity, Home());
        Assert.True(reply.Ok, reply.Error);
        Assert.Contains("RPOP record 'home' saved", ((Done)reply.Result!).Message);

        entity = await Restart(entity);
        var view = await View(entity);
        var r = Assert.Single(view.Rpop);
        Assert.Equal(("home", "Disabled", "john", "pop.example.com:1110", true), (r.Name, r.Every, r.AuthName, r.Host, r.Leave));
        Assert.True(r.HasPassword);
        Assert.DoesNotContain("s3cret-Pass", System.Text.Json.JsonSerializer.Serialize(view, RemotePollSerializer.Options));
    }

    [Fact]
    public async Task Password_is_sealed_in_the_journal_and_opens_with_the_key()
    {
        var entity = Entity();
        Assert.True((await Send(entity, Home())).Ok);
        var snapshot = await entity.Ask<AccountSnapshot>(new FetchAccountState(Account), TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("s3cret-Pass", _sealer.Unseal(snapshot.Rpop[0].Password));

        await using var db = new SqliteConnection($"Data Source={Path.Combine(_data, "remotepoll.db")}");
        await db.OpenAsync(Ct);
        var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT manifest, message FROM journal WHERE persistence_id = 'account-john@example.com'";
        await using var rows = await cmd.ExecuteReaderAsync(Ct);
        var seen = 0;
        while (await rows.ReadAsync(Ct))
        {
            seen++;
            var manifest = rows.GetString(0);
            var payload = System.Text.Encoding.UTF8.GetString((byte[])rows[1]);
            Assert.Equal("ev.rpop-saved", manifest);
            Assert.DoesNotContain("s3cret-Pass", payload);
            Assert.DoesNotContain("RemotePoll.", payload); // no CLR type names
        }
        Assert.Equal(1, seen);
    }

    [Fact]
    public async Task Invalid_change_is_refused_naming_the_field_and_persists_nothing()
    {
        var entity = Entity();
        var reply = await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("bad/name") { Host = "pop.example.com:0", AuthName = "x" }));
        Assert.False(reply.Ok);
        Assert.Contains(reply.FieldErrors!, e => e.Field == "Name");
        Assert.Contains(reply.FieldErrors!, e => e.Field == "at Host");
        Assert.Contains(reply.FieldErrors!, e => e.Field == "Password");

        entity = Entity(); // the first one passivated; a new incarnation recovers from the journal
        Assert.Empty((await View(entity)).Rpop);
    }

    [Fact]
    public async Task Special_is_refused_unless_the_account_is_postmaster_of_the_main_domain()
    {
        var entity = Entity();
        var change = Home() with { Change = Home().Change with { Special = "X-Real-To" } };
        var refused = await Send(entity, change, mainDomain: "example.com");
        Assert.False(refused.Ok);
        Assert.Contains(refused.FieldErrors!, e => e.Field == "Special");

        var postmaster = Sys.ActorOf(AccountEntity.Props("postmaster@example.com", _env));
        var ok = await postmaster.Ask<AdminReply>(new AccountEnvelope(change with { Account = "postmaster@example.com" }, "example.com"), TimeSpan.FromSeconds(10), Ct);
        Assert.True(ok.Ok, ok.Error);
    }

    [Fact]
    public async Task Never_removes_the_record_and_a_change_keeps_the_stored_password()
    {
        var entity = Entity();
        Assert.True((await Send(entity, Home())).Ok);
        // A change that keeps the destination (not host, port, TLS, trust or login name) keeps the password.
        Assert.True((await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("HOME") { Apop = true }))).Ok);
        var snapshot = await entity.Ask<AccountSnapshot>(new FetchAccountState(Account), TimeSpan.FromSeconds(5), Ct);
        var r = Assert.Single(snapshot.Rpop);
        Assert.Equal(("home", true, true), (r.Name, r.Apop, r.Leave));
        Assert.Equal("s3cret-Pass", _sealer.Unseal(r.Password));

        Assert.True((await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("home") { Every = "never" }))).Ok);
        entity = Entity(); // the old one passivated itself once it had no records
        Assert.Empty((await View(entity)).Rpop);
    }

    [Fact]
    public async Task State_recovers_from_a_snapshot_after_many_events()
    {
        var entity = Entity();
        Assert.True((await Send(entity, Home())).Ok);
        for (var i = 0; i < 120; i++)
            Assert.True((await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("home") { Every = $"{i + 1}m" }))).Ok);
        entity = await Restart(entity);
        var r = Assert.Single((await View(entity)).Rpop);
        Assert.Equal("2h", r.Every); // 120m

        await using var db = new SqliteConnection($"Data Source={Path.Combine(_data, "remotepoll.db")}");
        await db.OpenAsync(Ct);
        var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM snapshot";
        Assert.True((long)(await count.ExecuteScalarAsync(Ct))! >= 1);
    }

    [Fact]
    public async Task Try_Now_on_an_RIMAP_record_is_persisted_as_extOrder_and_survives_a_restart()
    {
        var entity = Entity();
        var set = await Send(entity, new SetRimapRecord(Account, new RimapRecordChange("mirror")
        {
            Host = "imap.example.com", AuthName = "john", Password = "pw", Every = "disabled",
        }));
        Assert.True(set.Ok, set.Error);
        var order = await Send(entity, new PollRecord(Account, RecordKind.Rimap, "mirror", Wait: false));
        Assert.True(order.Ok, order.Error);

        entity = await Restart(entity);
        var r = Assert.Single((await View(entity)).Rimap);
        Assert.NotNull(r.ExtOrder); // this node never polls here (no module settings), so the order stays pending
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_account_recovers_while_another_connection_writes_to_the_database()
    {
        var entity = Entity();
        Assert.True((await Send(entity, Home())).Ok);
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        ExpectTerminated(entity, cancellationToken: Ct);

        // Another writer holds SQLite's write lock, as the journal does while it commits a batch. Recovery only reads:
        // it must not wait for the lock (it did when reads opened BEGIN IMMEDIATE transactions).
        await using var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = new NodeOptions { DataDir = _data }.SqliteFile }.ToString());
        await writer.OpenAsync(Ct);
        await using var transaction = await writer.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, Ct);

        var view = await View(Entity());
        Assert.Equal("home", Assert.Single(view.Rpop).Name);
        await transaction.RollbackAsync(Ct);
    }

    [Fact]
    public async Task A_record_overdue_by_its_own_view_keeps_the_time_its_wake_schedule_knew_instead_of_spreading_again()
    {
        const string account = "woken@example.com";
        var daily = new RpopRecordChange("a") { Host = "pop.example.com:1110", AuthName = "u", Password = "Pw-1", Every = "1d" };
        var entity = Sys.ActorOf(AccountEntity.Props(account, _env));
        Assert.True((await Send(entity, new ReplaceRpopRecords(account, [daily]) { SpreadFirstPolls = true })).Ok);
        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(entity, cancellationToken: Ct);

        // Never polled, so after the restart its own view is overdue and its first poll would be spread over the day;
        // its schedule knew it for three seconds from now.
        entity = Sys.ActorOf(AccountEntity.Props(account, _env));
        entity.Tell(new WakeAccount(account, [new WakeDue("rpop-a", DateTimeOffset.UtcNow.AddSeconds(3))]));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(0, _env.Stats.TimerLateness.Snapshot().Sum());
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal(1, _env.Stats.TimerLateness.Snapshot().Sum());
    }

    [Fact]
    public async Task Records_loaded_in_bulk_spread_their_first_poll_over_the_period_and_a_record_set_by_hand_polls_within_seconds()
    {
        // Poll Every one day: a first poll spread over the period starts within these seconds with a chance of 1 in 10,000.
        static RpopRecordChange Daily(string name) => new(name) { Host = "pop.example.com:1110", AuthName = "u", Password = "Pw-1", Every = "1d" };
        var bulk = Sys.ActorOf(AccountEntity.Props("bulk@example.com", _env));
        var reply = await Send(bulk, new ReplaceRpopRecords("bulk@example.com", [Daily("a"), Daily("b")]) { SpreadFirstPolls = true });
        Assert.True(reply.Ok, reply.Error);
        await Task.Delay(PollSchedule.ShortSpread + TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(0, _env.Stats.TimerLateness.Snapshot().Sum());

        var byHand = Sys.ActorOf(AccountEntity.Props("hand@example.com", _env));
        Assert.True((await Send(byHand, new ReplaceRpopRecords("hand@example.com", [Daily("c")]))).Ok);
        await Task.Delay(PollSchedule.ShortSpread + TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(1, _env.Stats.TimerLateness.Snapshot().Sum());
    }
}
