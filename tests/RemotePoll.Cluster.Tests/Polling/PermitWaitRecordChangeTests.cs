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
using RemotePoll.Testing;
using RemotePoll.Testing.Dovecot;
using RemotePoll.Testing.Net;

namespace RemotePoll.Cluster.Tests.Polling;

/// <summary>
/// Issue 19.1: a record's host and password changed while its poll waits for a connection permit never mix: the real
/// account entity, poller and host health poll a real Dovecot through a <see cref="TcpProxy"/> (the old host) that marks
/// any connection carrying the new password; the governor is a probe that holds the permit until the change is saved.
/// </summary>
[Integration]
public sealed class PermitWaitRecordChangeTests : TestKit
{
    private const string Account = "john@example.com";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-permitwait-").FullName;
    private readonly PollEnvironment _env;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public PermitWaitRecordChangeTests()
    {
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment
        {
            Sealer = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName)), Queue = maildir, Store = maildir,
            Limits = new() { CommandTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        _env.Settings.Update(ModuleSettings.Default with { AllowSelfPoll = true, UseApop = false });
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend).AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private static async Task<AdminReply> Send(IActorRef entity, IAccountCommand command) =>
        await entity.Ask<AdminReply>(new AccountEnvelope(command, null), Patience, Ct);

    [Fact]
    public async Task A_new_host_and_password_saved_while_the_poll_waits_for_its_permit_never_send_the_new_password_to_the_old_host()
    {
        await using var dovecot = await DovecotServer.StartAsync(new DovecotOptions { Apop = false }, Ct);
        await dovecot.AddUserAsync("john", "old-secret", Ct);
        await dovecot.InjectAsync("john", "Subject: one\r\n\r\nbody\r\n", cancellationToken: Ct);
        // The old host, by name (a literal address needs no resolving); the new one is a name on the same port that does not resolve.
        const string newHost = "pop.new.invalid";
        await using var oldHost = TcpProxy.Start(dovecot.Host, dovecot.Pop3Port);
        oldHost.ClientMarker = Encoding.ASCII.GetBytes("new-secret");

        var registry = ActorRegistry.For(Sys);
        registry.Register<HostHealth>(Sys.ActorOf(HostHealth.Props(TimeProvider.System)));
        var governor = CreateTestProbe();
        registry.Register<ConnectionGovernor>(governor.Ref);
        var schedule = CreateTestProbe();
        schedule.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is ScheduleAccount s) sender.Tell(new AccountScheduleConfirmed(s.Account));
            return AutoPilot.KeepRunning;
        }));
        registry.Register<WakeScheduleRegion>(schedule.Ref);
        var entity = Sys.ActorOf(AccountEntity.Props(Account, _env));

        Assert.True((await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("home")
        {
            Host = $"localhost:{oldHost.Port}", AuthName = "john", Password = "old-secret", Every = "1h", Leave = true,
        }))).Ok);
        var request = await governor.ExpectMsgAsync<RequestPermit>(Patience, cancellationToken: Ct);
        var asker = governor.LastSender;

        var changed = await Send(entity, new SetRpopRecord(Account, new RpopRecordChange("home")
        {
            Host = $"{newHost}:{oldHost.Port}", Password = "new-secret",
        }));
        Assert.True(changed.Ok, changed.Error);
        asker.Tell(new PermitGranted(request.Id));
        await governor.FishForMessageAsync<ReleasePermit>(r => r.Id == request.Id, Patience, cancellationToken: Ct);

        // The waiting poll went to the old host with the old password, and nothing carried the new one there.
        RpopRecordView? view = null;
        await AwaitAssertAsync(async () =>
        {
            view = Assert.Single(((AccountView)(await Send(entity, new GetAccount(Account))).Result!).Rpop);
            Assert.True(view.Last is not null || view.Error is not null, "not polled yet");
        }, Patience, TimeSpan.FromMilliseconds(200), Ct);
        Assert.True(oldHost.PeakMarked == 0, "the new password reached the old host");
        Assert.Equal(1, oldHost.TotalConnections);
        Assert.Null(view!.Error);
        Assert.Equal(newHost, view.Host.Split(':')[0]);
    }

    protected override async Task AfterAllAsync()
    {
        await base.AfterAllAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
