using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using Akka.TestKit;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>
/// Issue 21.5: a POP3 server's LOGIN-DELAY (RFC 2449 6.8) floors the record's poll interval, on the real account entity,
/// poller, governor and host health, against a scripted server that replays Cyrus's exchanges (Cyrus enforces its
/// popminpoll with LOGIN-DELAY). The due time the poller reports to its wake schedule is checked, so nobody waits 15 minutes.
/// </summary>
public sealed class LoginDelayTests : TestKit
{
    private const string Account = "john@example.com";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-logindelay-").FullName;
    private readonly PollEnvironment _env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LoginDelayTests()
    {
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment
        {
            Sealer = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName)), Queue = maildir, Store = maildir,
            Limits = new() { CommandTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        _env.Settings.Update(ModuleSettings.Default with { AllowSelfPoll = true });
    }

    /// <summary>What a node gives its pollers: the host health and governor singletons, and a probe for the wake schedule.</summary>
    private TestProbe _schedule = null!;

    private IActorRef Entity()
    {
        var registry = ActorRegistry.For(Sys);
        if (_schedule is null)
        {
            registry.Register<HostHealth>(Sys.ActorOf(HostHealth.Props(TimeProvider.System)));
            registry.Register<ConnectionGovernor>(Sys.ActorOf(ConnectionGovernor.Props(_env.Settings)));
            _schedule = CreateTestProbe();
            _schedule.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
            {
                if (message is ScheduleAccount s) sender.Tell(new AccountScheduleConfirmed(s.Account));
                return AutoPilot.KeepRunning;
            }));
            registry.Register<WakeScheduleRegion>(_schedule.Ref);
        }
        return Sys.ActorOf(AccountEntity.Props(Account, _env));
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend).AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private static async Task<AdminReply> Send(IActorRef entity, IAccountCommand command) =>
        await entity.Ask<AdminReply>(new AccountEnvelope(command, null), Patience, Ct);

    private static SetRpopRecord Record(int port) => new(Account, new RpopRecordChange("cyrus")
    {
        Host = $"127.0.0.1:{port}", AuthName = "john", Password = "Pw-cyrus-1", Every = "1m", Leave = true,
    });

    private async Task<RpopRecordView> PolledView(IActorRef entity)
    {
        RpopRecordView? view = null;
        await AwaitAssertAsync(async () =>
        {
            view = Assert.Single(((AccountView)(await Send(entity, new GetAccount(Account))).Result!).Rpop);
            Assert.True(view.Last is not null || view.Error is not null, "not polled yet");
        }, Patience, TimeSpan.FromMilliseconds(200), Ct);
        return view!;
    }

    /// <summary>The due time of the poller's next report that lies more than <paramref name="after"/> from now.</summary>
    private async Task<DateTimeOffset> NextDueAsync(TimeSpan after)
    {
        var report = await _schedule.FishForMessageAsync<WakeReport>(r => r.Due is { } d && d > DateTimeOffset.UtcNow + after, Patience,
            cancellationToken: Ct);
        return report.Due!.Value;
    }

    [Fact]
    public async Task LOGIN_DELAY_900_in_CAPA_holds_the_next_poll_15_minutes_away_and_survives_a_restart()
    {
        await using var server = new CyrusPop3("LOGIN-DELAY 900");
        var entity = Entity();
        Assert.True((await Send(entity, Record(server.Port))).Ok);

        var view = await PolledView(entity);
        Assert.Null(view.Error);
        Assert.Equal(("1m", "15m", "15m"), (view.Every, view.LoginDelay, view.EffectiveEvery));
        var polled = view.Last!.Value;
        // Poll Every 1m alone would make it due about a minute after the poll.
        var due = await NextDueAsync(TimeSpan.FromMinutes(2));
        Assert.InRange(due, polled + TimeSpan.FromSeconds(899), polled + TimeSpan.FromSeconds(960));

        Watch(entity);
        entity.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(entity, cancellationToken: Ct);
        entity = Entity();
        Assert.Equal("15m", Assert.Single(((AccountView)(await Send(entity, new GetAccount(Account))).Result!).Rpop).LoginDelay);
        due = await NextDueAsync(TimeSpan.FromMinutes(2));
        Assert.InRange(due, polled + TimeSpan.FromSeconds(899), polled + TimeSpan.FromSeconds(960));
        Assert.Equal(1, server.Logins);
    }

    [Fact]
    public async Task A_LOGIN_DELAY_refusal_is_TemporarilyUnavailable_naming_the_code_not_a_wrong_password()
    {
        await using var server = new CyrusPop3("LOGIN-DELAY 60", pass: "-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart");
        var entity = Entity();
        Assert.True((await Send(entity, Record(server.Port))).Ok);

        var view = await PolledView(entity);
        Assert.Equal("TemporarilyUnavailable", view.ErrorKind);
        Assert.Contains("[LOGIN-DELAY]", view.Error);
        Assert.Contains("Logins must be at least 1 minute apart", view.Error);
        Assert.Null(view.Last);
        Assert.Equal("1m", view.LoginDelay);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
