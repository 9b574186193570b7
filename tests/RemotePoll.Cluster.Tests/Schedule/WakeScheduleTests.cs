using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Microsoft.Extensions.Time.Testing;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Cluster.Stats;
using RemotePoll.Core.Polling;

namespace RemotePoll.Cluster.Tests.Schedule;

/// <summary>
/// One shard's wake schedule on the real SQLite journal with the real serializer, the test actor standing in for the
/// account region: what it starts, when, and what it still knows after a hand-over. The schedule runs on virtual time
/// (<see cref="FakeTimeProvider"/>): a wake minutes away comes when the test advances the clock, not after real waiting,
/// and a schedule that read the real clock would never start it.
/// </summary>
public sealed class WakeScheduleTests : TestKit
{
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-wake-").FullName;
    private readonly PollStats _stats = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    /// <summary>Real time in which a message that is not due must not arrive (the clock stands still meanwhile).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private IActorRef Schedule()
    {
        ActorRegistry.For(Sys).TryRegister<AccountRegion>(TestActor, overwrite: true);
        return Sys.ActorOf(WakeSchedule.Props("7", _stats, _clock));
    }

    private async Task StopAsync(IActorRef schedule)
    {
        Watch(schedule);
        schedule.Tell(StopWakeSchedule.Instance);
        await ExpectTerminatedAsync(schedule, TimeSpan.FromSeconds(10), cancellationToken: Ct);
    }

    private async Task<string> StartedAsync(TimeSpan within) =>
        (await ExpectMsgAsync<WakeAccount>(within, cancellationToken: Ct)).Account;

    private DateTimeOffset VirtualNow => _clock.GetUtcNow();

    /// <summary>Waits until the schedule has handled everything sent before (its listing answers after them).</summary>
    private async Task<IReadOnlyList<string>> ListedAsync(IActorRef schedule) =>
        [.. (await schedule.Ask<ScheduledAccounts>(new ListScheduledAccounts("7"), TimeSpan.FromSeconds(10), Ct)).Accounts];

    [Fact]
    public async Task A_listed_account_is_started_at_once_then_a_lead_before_its_poll_and_not_at_all_once_unlisted()
    {
        var schedule = Schedule();
        await schedule.Ask<AccountScheduleConfirmed>(new ScheduleAccount("7", "a@x"), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("a@x", await StartedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, _stats.ScheduledAccounts);

        // Due a lead and 10 minutes from now: started 10 minutes from now (the lead is 30 s), not a second before.
        schedule.Tell(new WakeReport("7", "a@x", "rpop-home", VirtualNow + WakeTable.Lead + TimeSpan.FromMinutes(10)));
        await ListedAsync(schedule);
        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await ExpectNoMsgAsync(Quiet, Ct);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a@x", await StartedAsync(TimeSpan.FromSeconds(5)));

        schedule.Tell(new UnscheduleAccount("7", "a@x"));
        Assert.Empty(await ListedAsync(schedule));
        Assert.Equal(0, _stats.ScheduledAccounts);
        // Woken, a listed account would be woken again after WakeAgainAfter: unlisted, never.
        _clock.Advance(WakeTable.WakeAgainAfter + TimeSpan.FromSeconds(2));
        await ExpectNoMsgAsync(Quiet, Ct);
    }

    [Fact]
    public async Task After_a_hand_over_the_schedule_starts_what_is_due_and_leaves_the_rest_until_their_time()
    {
        var schedule = Schedule();
        // Listed by a poller's first report (its listing was lost), and by the entity.
        schedule.Tell(new WakeReport("7", "soon@x", "rpop-r", VirtualNow));
        await schedule.Ask<AccountScheduleConfirmed>(new ScheduleAccount("7", "later@x"), TimeSpan.FromSeconds(10), Ct);
        await schedule.Ask<AccountScheduleConfirmed>(new ScheduleAccount("7", "idle@x"), TimeSpan.FromSeconds(10), Ct);
        var first = new[] { await StartedAsync(TimeSpan.FromSeconds(5)), await StartedAsync(TimeSpan.FromSeconds(5)), await StartedAsync(TimeSpan.FromSeconds(5)) };
        Assert.Equal(["idle@x", "later@x", "soon@x"], first.Order());
        // Each polled; their next polls: soon in a lead and 4 minutes, later in an hour, idle never (Disabled).
        schedule.Tell(new WakeReport("7", "soon@x", "rpop-r", VirtualNow + WakeTable.Lead + TimeSpan.FromMinutes(4)));
        schedule.Tell(new WakeReport("7", "later@x", "rpop-r", VirtualNow.AddHours(1)));
        schedule.Tell(new WakeReport("7", "idle@x", "rimap-r", null));
        await StopAsync(schedule); // the hand-over snapshots what changed in memory

        schedule = Schedule();
        Assert.Equal(["idle@x", "later@x", "soon@x"], (await ListedAsync(schedule)).Order());
        await ExpectNoMsgAsync(Quiet, Ct); // recovered, nothing is due yet
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("soon@x", await StartedAsync(TimeSpan.FromSeconds(8)));
        await ExpectNoMsgAsync(Quiet, Ct);
        var listed = await schedule.Ask<ScheduledAccounts>(new ListScheduledAccounts("7"), TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(["idle@x", "later@x", "soon@x"], listed.Accounts.Order());
        Assert.Equal(3, _stats.ScheduledAccounts);
    }

    [Fact]
    public async Task A_poll_brought_forward_is_kept_even_when_the_node_dies_before_a_snapshot()
    {
        var schedule = Schedule();
        await schedule.Ask<AccountScheduleConfirmed>(new ScheduleAccount("7", "a@x"), TimeSpan.FromSeconds(10), Ct);
        await StartedAsync(TimeSpan.FromSeconds(5));
        schedule.Tell(new WakeReport("7", "a@x", "rpop-r", VirtualNow.AddHours(1)));
        await StopAsync(schedule);

        schedule = Schedule();
        await ListedAsync(schedule);
        _clock.Advance(TimeSpan.FromMinutes(20)); // still over half an hour before the wake
        await ExpectNoMsgAsync(Quiet, Ct);
        // An operator's order brings the poll forward to now; the schedule then dies without a snapshot.
        schedule.Tell(new WakeReport("7", "a@x", "rpop-r", VirtualNow));
        Assert.Equal("a@x", await StartedAsync(TimeSpan.FromSeconds(5)));
        await schedule.Ask<ScheduledAccounts>(new ListScheduledAccounts("7"), TimeSpan.FromSeconds(10), Ct); // the event is written
        Watch(schedule);
        schedule.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(schedule, cancellationToken: Ct);

        Schedule();
        Assert.Equal("a@x", await StartedAsync(TimeSpan.FromSeconds(5)));
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
