using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Akka.TestKit;
using Microsoft.Extensions.Time.Testing;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Hosts;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>
/// Issue 19.1, at the actor level: an <see cref="RpopPoller"/> whose parent (its account entity), host health and connection
/// governor are test probes. The governor holds the permit, so nothing waits on a clock: the poll is planned when it starts,
/// a record changed while it waits for its permit is not used by it but by the next poll, its outcome comes back as a
/// message, and its ledger comes from the entity's hand-over, not from a question to the entity. Issue 19.4: failed hosts
/// are read from the node's replica on a (virtual) clock, and no poll asks the host-health singleton anything.
/// </summary>
public sealed class RecordPollerPlanTests : TestKit
{
    private const string Account = "john@example.com";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-pollplan-").FullName;
    private readonly PollEnvironment _env;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private TestProbe _hostHealth = null!;
    private TestProbe _governor = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public RecordPollerPlanTests()
    {
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment
        {
            Sealer = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName)), Queue = maildir, Store = maildir,
            Limits = new() { CommandTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(5) }, Clock = _clock,
        };
        _env.Settings.Update(ModuleSettings.Default with { AllowSelfPoll = true });
    }

    /// <summary>Host health only hears of failures; the governor grants nothing unless the test does.</summary>
    private void StartSingletons()
    {
        _hostHealth = CreateTestProbe();
        _governor = CreateTestProbe();
        var registry = ActorRegistry.For(Sys);
        registry.Register<HostHealth>(_hostHealth.Ref);
        registry.Register<ConnectionGovernor>(_governor.Ref);
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend);

    /// <summary>A loopback port nothing listens on: a session to it fails at once with ConnectionFailed.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private RpopRecord Record(string host, string password) =>
        new("home", PollPeriod.Every(TimeSpan.FromHours(1)), "john", HostAndPort.Parse(host), _env.Sealer.Seal(password), Leave: true);

    private static RecordLedgers Ledgers(params string[] delivered) =>
        RecordLedgers.Of(AccountState.Empty(Account), RecordKind.Rpop, "home") with
        {
            Uids = UidLedger.Empty.Apply(new LedgerChange(delivered, [], [])),
        };

    /// <summary>The poller as a child of <paramref name="entity"/>, ordered to poll now; returns it once it asks for a permit.</summary>
    private async Task<(IActorRef Poller, RequestPermit Request, IActorRef Asker)> StartPollAsync(TestProbe entity, RpopRecord record, RecordLedgers ledgers)
    {
        StartSingletons();
        var poller = entity.ChildActorOf(RpopPoller.Props(Account, record, ledgers, _clock.GetUtcNow(), _env));
        poller.Tell(new PollNow(null));
        var request = await _governor.ExpectMsgAsync<RequestPermit>(Patience, cancellationToken: Ct);
        return (poller, request, _governor.LastSender);
    }

    [Fact]
    public async Task A_record_changed_while_the_poll_waits_for_its_permit_is_used_by_the_next_poll_not_by_this_one()
    {
        var entity = CreateTestProbe();
        var (oldPort, newPort) = (ClosedPort(), ClosedPort());
        var (poller, request, asker) = await StartPollAsync(entity, Record($"127.0.0.1:{oldPort}", "old-secret"), Ledgers());

        // Host and password change while the poll holds no permit yet.
        poller.Tell(new RpopRecordUpdated(Record($"127.0.0.2:{newPort}", "new-secret"), null));
        asker.Tell(new PermitGranted(request.Id));

        // The poll ran as planned: the old host and port, reported as failed for the old host, then its outcome as a message.
        var failure = await _hostHealth.ExpectMsgAsync<ReportHostFailure>(Patience, cancellationToken: Ct);
        Assert.Equal(("127.0.0.1", $"127.0.0.1:{oldPort}"), (failure.Host, Assert.Single(failure.Endpoints)));
        var completed = await entity.FishForMessageAsync<PollCompleted>(_ => true, Patience, cancellationToken: Ct);
        Assert.Equal(("home", "ConnectionFailed"), (completed.Report.Name, completed.Report.ErrorKind));
        await _governor.FishForMessageAsync<ReleasePermit>(r => r.Id == request.Id, Patience, cancellationToken: Ct);

        // The next poll plans the record as it is now.
        poller.Tell(new PollNow(null));
        var again = await _governor.FishForMessageAsync<RequestPermit>(_ => true, Patience, cancellationToken: Ct);
        _governor.LastSender.Tell(new PermitGranted(again.Id));
        var next = await _hostHealth.ExpectMsgAsync<ReportHostFailure>(Patience, cancellationToken: Ct);
        Assert.Equal(("127.0.0.2", $"127.0.0.2:{newPort}"), (next.Host, Assert.Single(next.Endpoints)));
    }

    [Fact]
    public async Task A_host_failed_on_the_nodes_replica_is_not_polled_until_its_delay_passes_on_the_clock_and_nothing_is_asked()
    {
        var entity = CreateTestProbe();
        var port = ClosedPort();
        var now = _clock.GetUtcNow();
        _env.FailedHosts.Update(FailedHosts.Empty.Fail(new FailedHost("127.0.0.1", now, now + TimeSpan.FromMinutes(5), "refused")
            { Endpoint = $"127.0.0.1:{port}" }));
        StartSingletons();
        var poller = entity.ChildActorOf(RpopPoller.Props(Account, Record($"127.0.0.1:{port}", "secret"), Ledgers(), _clock.GetUtcNow(), _env), cancellationToken: Ct);

        poller.Tell(new PollNow(null));
        var held = await entity.FishForMessageAsync<PollCompleted>(_ => true, Patience, cancellationToken: Ct);
        Assert.Equal("ConnectionFailed", held.Report.ErrorKind);
        Assert.Contains("is marked failed since", held.Report.Error);
        await _governor.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200), Ct);
        await _hostHealth.ExpectNoMsgAsync(TimeSpan.Zero, Ct);

        _clock.Advance(TimeSpan.FromMinutes(5));
        poller.Tell(new PollNow(null));
        await _governor.ExpectMsgAsync<RequestPermit>(Patience, cancellationToken: Ct);
        await _hostHealth.ExpectNoMsgAsync(TimeSpan.Zero, Ct);
    }

    [Fact]
    public async Task A_refused_login_makes_the_next_poll_due_Delay_Failed_Account_after_it_on_the_nodes_clock()
    {
        await using var server = new CyrusPop3("EXPIRE NEVER", pass: "-ERR [AUTH] Invalid login");
        var schedule = CreateTestProbe();
        ActorRegistry.For(Sys).Register<WakeScheduleRegion>(schedule.Ref);
        var entity = CreateTestProbe();
        var (_, request, asker) = await StartPollAsync(entity, Record($"127.0.0.1:{server.Port}", "wrong"), Ledgers());
        var attempt = _clock.GetUtcNow();
        asker.Tell(new PermitGranted(request.Id));

        var failed = await entity.FishForMessageAsync<PollCompleted>(_ => true, Patience, cancellationToken: Ct);
        Assert.Equal("AuthenticationFailed", failed.Report.ErrorKind);
        // Not the period (1 hour): Delay Failed Account (15 minutes by default), counted from the attempt on the node's
        // clock, which stands still here: the wake schedule is told exactly that time.
        var due = attempt + ModuleSettings.Default.DelayFailedAccountOrDefault;
        await schedule.FishForMessageAsync<WakeReport>(r => r.Due == due, Patience, cancellationToken: Ct);
    }

    [Fact]
    public async Task The_poller_asks_its_entity_nothing_before_it_connects_its_ledgers_come_with_the_plan()
    {
        var entity = CreateTestProbe();
        var (_, request, asker) = await StartPollAsync(entity, Record($"127.0.0.1:{ClosedPort()}", "secret"), Ledgers("uid-1"));
        asker.Tell(new PermitGranted(request.Id));

        // The only message the entity gets from this poll is its outcome: no GetLedger/GetMarks-style question before or during it.
        var first = await entity.ExpectMsgAsync<PollCompleted>(Patience, cancellationToken: Ct);
        Assert.Equal("ConnectionFailed", first.Report.ErrorKind);
        await entity.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200), Ct);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
