using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Admin;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Cluster.Settings;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;
using RemotePoll.Core.Security;

namespace RemotePoll.Cluster.Tests.Admin;

/// <summary>
/// The real admin API over real account entities, settings, directory and host-health actors on the real SQLite journal:
/// every request's token is verified and every role is held to what README "Who may do what" says.
/// </summary>
public sealed class AdminApiSecurityTests : TestKit
{
    private const string John = "john@example.com";
    private const string Jane = "jane@example.com";
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-adminapi-").FullName;
    private readonly KeyRing _keys;
    private readonly ClusterSecret _secret;
    private readonly PollEnvironment _env;
    private IActorRef? _api;
    private IActorRef? _router;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public AdminApiSecurityTests()
    {
        _keys = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName));
        _secret = ClusterSecretFile.LoadOrCreate(_data, _ => null);
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment { Sealer = _keys, Queue = maildir, Store = maildir };
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend).AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddHocon("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }", HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private IActorRef Router => _router ??= Sys.ActorOf(Props.Create(() => new AccountRouter(_env)));

    private IActorRef Api => _api ??= NodeApi();

    private IActorRef? _settings, _directory, _hosts, _revocations;

    /// <summary>
    /// An admin API as one node has it; a second one stands for another node of the same cluster (same singletons). The
    /// node is a one-node cluster with its replica caches, where the API reads the directory that the singleton replicates.
    /// </summary>
    private IActorRef NodeApi()
    {
        if (_caches is null)
        {
            var cluster = Akka.Cluster.Cluster.Get(Sys);
            cluster.Join(cluster.SelfAddress);
            AwaitCondition(() => cluster.State.Members.Any(m => m.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(30), cancellationToken: Ct);
            _caches = Sys.ActorOf(RemotePoll.Cluster.Replication.ReplicaCaches.Props(_env.Settings, _env.Directory, _env.FailedHosts), RemotePoll.Cluster.Replication.ReplicaCaches.Name);
        }
        return NewApi();
    }

    private IActorRef? _caches;

    private IActorRef NewApi() => Sys.ActorOf(AdminApi.Props(
        Router,
        _settings ??= Sys.ActorOf(Props.Create(() => new ModuleSettingsActor())),
        _directory ??= Sys.ActorOf(Props.Create(() => new DirectoryActor())),
        _hosts ??= Sys.ActorOf(HostHealth.Props(TimeProvider.System)),
        _keys, _secret, new RemotePoll.Cluster.Stats.PollStats(),
        _revocations ??= Sys.ActorOf(TokenRevocations.Props()), _env));

    private string Token(Caller caller, TimeSpan? lifetime = null) =>
        _secret.Signer().Issue(caller, DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromHours(1));

    private static readonly Caller Server = Caller.ServerAdministrator;
    private static readonly Caller DomainAdmin = Caller.Create(CallerRole.Domain, "example.com", null);
    private static readonly Caller OtherDomainAdmin = Caller.Create(CallerRole.Domain, "other.org", null);
    private static readonly Caller JohnUser = Caller.Create(CallerRole.User, null, John);
    private static readonly Caller JaneUser = Caller.Create(CallerRole.User, null, Jane);

    private async Task<AdminReply> Ask(string? token, IAdminCommand command) =>
        await Api.Ask<AdminReply>(new AdminRequest(token, command), TimeSpan.FromSeconds(30), Ct);

    private Task<AdminReply> As(Caller caller, IAdminCommand command) => Ask(Token(caller), command);

    private async Task<AdminReply> Ok(Caller caller, IAdminCommand command)
    {
        var reply = await As(caller, command);
        Assert.True(reply.Ok, $"{command} as {caller}: {reply.Error}");
        return reply;
    }

    private static SetRpopRecord Rpop(string account, string name, string? special = null) => new(account, new RpopRecordChange(name)
    {
        Host = "pop.example.net", AuthName = "u", Password = "Pw-" + name, Every = "disabled", Special = special,
    });

    private static bool Denied(AdminReply r) => !r.Ok && r.Error!.StartsWith(AdminPermissions.Denied, StringComparison.Ordinal);

    private async Task<AccountView> View(string account) => (AccountView)(await Ok(Server, new GetAccount(account))).Result!;

    /// <summary>Who is allowed what: S server, D domain admin of example.com, O domain admin of other.org, J john (CanModifyRPOP on), N jane (another account).</summary>
    public static TheoryData<string, string> Table => new()
    {
        // command                          allowed for
        { "cluster show", "S" },
        { "cluster leave", "S" },
        { "cluster down", "S" },
        { "region-stats", "S" },
        { "module show", "SD O" },
        { "module set", "S" },
        { "hosts list", "S" },
        { "hosts clear", "S" },
        { "domain list", "S" },
        { "domain show", "SD" },
        { "domain set", "S" },
        { "account show", "SDJ" },
        { "account set", "SD" },
        { "rpop set", "SDJ" },
        { "rimap set", "SDJ" },
        { "record remove", "SDJ" },
        { "record poll", "SDJ" },
        { "import-uids", "SD" },
        { "cgp get", "SDJ" },
        { "cgp get with passwords", "S" },
        { "cgp set", "SDJ" },
        { "token issue", "S" },
        { "secrets rotate", "S" },
        { "token revoke", "S" },
        { "secrets rotate --signing", "S" },
        { "whoami", "SDOJN" },
    };

    private static IAdminCommand Command(string name) => name switch
    {
        "cluster show" => new ClusterShow(),
        "cluster leave" => new ClusterLeave("akka.tcp://remotepoll@192.0.2.1:4053"),
        "cluster down" => new ClusterDown("akka.tcp://remotepoll@192.0.2.1:4053"),
        "region-stats" => new ShowRegionStats(),
        "module show" => new ModuleShow(),
        "module set" => new ModuleSet("delay-failed-hosts", "5m"),
        "hosts list" => new HostsList(),
        "hosts clear" => new HostsClear("pop.example.net"),
        "domain list" => new DomainList(),
        "domain show" => new DomainShow("example.com"),
        "domain set" => new DomainSet("example.com", null, null),
        "account show" => new GetAccount(John),
        "account set" => new SetAccountSettings(John, true),
        "rpop set" => Rpop(John, "table"),
        "rimap set" => new SetRimapRecord(John, new RimapRecordChange("table") { Host = "imap.example.net", AuthName = "u", Password = "Pw-imap", Every = "disabled" }),
        "record remove" => new RemoveRecord(John, RecordKind.Rpop, "absent"),
        "record poll" => new PollRecord(John, RecordKind.Rpop, "absent", false),
        "import-uids" => new ImportUids(John, "absent", ["uid-1"]),
        "cgp get" => new CgpGetRecords(John, RecordKind.Rpop, false),
        "cgp get with passwords" => new CgpGetRecords(John, RecordKind.Rpop, true),
        "cgp set" => new CgpSetRecords(John, RecordKind.Rimap, "{}"),
        "token issue" => new IssueToken("user", null, John, "1h"),
        "secrets rotate" => new RotateSecrets(ResealOnly: true),
        "token revoke" => new RevokeToken(new string('0', TokenSigner.IdLength)),
        "secrets rotate --signing" => new RotateSigningSecret(),
        "whoami" => new WhoAmI(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Each_role_is_allowed_or_refused_each_command_as_the_table_says(string command, string allowed)
    {
        await Ok(Server, new SetAccountSettings(John, true));
        foreach (var (letter, caller) in new[] { ('S', Server), ('D', DomainAdmin), ('O', OtherDomainAdmin), ('J', JohnUser), ('N', JaneUser) })
        {
            var reply = await As(caller, Command(command));
            if (allowed.Contains(letter))
                Assert.False(Denied(reply), $"{command} as {caller} should be allowed: {reply.Error}");
            else
                Assert.True(Denied(reply), $"{command} as {caller} should be refused, got {(reply.Ok ? "success" : reply.Error)}");
        }
    }

    [Fact]
    public async Task Missing_forged_and_expired_tokens_are_refused_and_change_nothing()
    {
        var forger = new TokenSigner(RandomNumberGenerator.GetBytes(32));
        var genuine = Token(Server);
        var tampered = genuine[..^3] + (genuine[^3] == 'A' ? "B" : "A") + genuine[^2..];
        var expired = _secret.Signer().Issue(Server, DateTimeOffset.UtcNow - TimeSpan.FromHours(2), TimeSpan.FromHours(1));
        foreach (var (what, token) in new (string, string?)[]
                 {
                     ("missing", null), ("empty", ""), ("garbage", "not-a-token"), ("forged", forger.Issue(Server, DateTimeOffset.UtcNow, TimeSpan.FromHours(1))),
                     ("tampered", tampered), ("expired", expired),
                 })
        {
            var reply = await Ask(token, Rpop(John, "intruder"));
            Assert.True(Denied(reply), $"{what} token: {reply.Error ?? "accepted"}");
            Assert.True(Denied(await Ask(token, new ModuleSet("processes", "0"))), what);
        }
        Assert.Contains("expired", (await Ask(expired, new ModuleShow())).Error);
        Assert.Empty((await View(John)).Rpop);
        var module = (ModuleSettingsView)(await Ok(Server, new ModuleShow())).Result!;
        Assert.NotEqual(0, module.Settings.Processes);
    }

    [Fact]
    public async Task A_user_without_CanModifyRPOP_reads_but_cannot_change_their_records()
    {
        await Ok(Server, Rpop(Jane, "home"));
        var refused = await As(JaneUser, Rpop(Jane, "mine"));
        Assert.True(Denied(refused), refused.Error);
        Assert.Contains("CanModifyRPOP", refused.Error);
        Assert.True(Denied(await As(JaneUser, new RemoveRecord(Jane, RecordKind.Rpop, "home"))));
        Assert.True(Denied(await As(JaneUser, new CgpSetRecords(Jane, RecordKind.Rpop, "{}"))));
        Assert.True(Denied(await As(JaneUser, new SetAccountSettings(Jane, true))));
        Assert.Single((await Ok(JaneUser, new GetAccount(Jane)) is { Result: AccountView v } ? v.Rpop : []));
        Assert.Equal(["home"], (await View(Jane)).Rpop.Select(r => r.Name));

        await Ok(DomainAdmin, new SetAccountSettings(Jane, true));
        await Ok(JaneUser, Rpop(Jane, "mine"));
        Assert.Equal(["home", "mine"], (await View(Jane)).Rpop.Select(r => r.Name).Order());
    }

    [Fact]
    public async Task A_user_cannot_set_Special_and_records_they_save_are_marked_as_theirs()
    {
        await Ok(Server, new DomainSet("example.com", null, true));
        const string postmaster = "postmaster@example.com";
        var user = Caller.Create(CallerRole.User, null, postmaster);
        await Ok(Server, new SetAccountSettings(postmaster, true));
        var refused = await As(user, Rpop(postmaster, "all", special: "X-Real-To"));
        Assert.False(refused.Ok);
        Assert.Contains(refused.FieldErrors!, e => e.Field == "Special");
        Assert.Empty((await View(postmaster)).Rpop);
        Assert.True((await As(Server, Rpop(postmaster, "all", special: "X-Real-To"))).Ok, "the administrator may set Special here");

        await Ok(user, Rpop(postmaster, "own"));
        await Ok(user, new CgpSetRecords(postmaster, RecordKind.Rimap, "{work = {domain = \"imap.example.net\"; authName = u; password = \"Pw-w\"; period = Disabled;};}"));
        var state = await StateOf(postmaster);
        Assert.True(state.Rpop.Single(r => r.Name == "own").ByAccountUser);
        Assert.False(state.Rpop.Single(r => r.Name == "all").ByAccountUser);
        Assert.True(state.Rimap.Single(r => r.Name == "work").ByAccountUser);
        // An administrator's change keeps the mark unless it names the host.
        await Ok(Server, new SetRpopRecord(postmaster, new RpopRecordChange("own") { Every = "10m" }));
        Assert.True((await StateOf(postmaster)).Rpop.Single(r => r.Name == "own").ByAccountUser);
        await Ok(Server, new SetRpopRecord(postmaster, new RpopRecordChange("own") { Host = "pop.example.net" }));
        Assert.False((await StateOf(postmaster)).Rpop.Single(r => r.Name == "own").ByAccountUser);
    }

    private Task<RemotePoll.Cluster.Accounts.AccountSnapshot> StateOf(string account) =>
        Router.Ask<RemotePoll.Cluster.Accounts.AccountSnapshot>(new RemotePoll.Cluster.Accounts.FetchAccountState(account), TimeSpan.FromSeconds(10), Ct);

    [Fact]
    public async Task A_domain_administrator_works_only_on_their_domain_and_only_reads_module_settings()
    {
        await Ok(DomainAdmin, Rpop(John, "home"));
        Assert.True(Denied(await As(OtherDomainAdmin, Rpop(John, "evil"))));
        Assert.True(Denied(await As(OtherDomainAdmin, new GetAccount(John))));
        Assert.True(Denied(await As(OtherDomainAdmin, new RemoveRecord(John, RecordKind.Rpop, "home"))));
        Assert.True(Denied(await As(DomainAdmin, new DomainShow("other.org"))));
        Assert.Equal(["home"], (await View(John)).Rpop.Select(r => r.Name));

        var before = ((ModuleSettingsView)(await Ok(DomainAdmin, new ModuleShow())).Result!).Settings;
        var refused = await As(DomainAdmin, new ModuleSet("processes", "1"));
        Assert.True(Denied(refused), refused.Error);
        Assert.Equal(before, ((ModuleSettingsView)(await Ok(Server, new ModuleShow())).Result!).Settings);
    }

    [Fact]
    public async Task WhoAmI_names_the_caller_and_issued_tokens_work_for_their_role_only()
    {
        var me = (CallerView)(await Ok(DomainAdmin, new WhoAmI())).Result!;
        Assert.Equal(("domain", "example.com", (string?)null), (me.Role, me.Domain, me.Account));

        var issued = (IssuedToken)(await Ok(Server, new IssueToken("user", null, John, "2h"))).Result!;
        Assert.DoesNotContain(issued.Token, issued.ToString());
        var who = (CallerView)(await Ask(issued.Token, new WhoAmI())).Result!;
        Assert.Equal(("user", John), (who.Role, who.Account));
        Assert.InRange(who.Expires, DateTimeOffset.UtcNow.AddMinutes(119), DateTimeOffset.UtcNow.AddMinutes(121));
        Assert.True(Denied(await Ask(issued.Token, new ModuleShow())));
        Assert.True(Denied(await As(DomainAdmin, new IssueToken("server", null, null, null))));
        var bad = await As(Server, new IssueToken("domain", null, null, null));
        Assert.False(bad.Ok);
        Assert.Contains("domain", bad.Error);
    }

    private async Task<IssuedToken> Issue(string role, string? domain = null, string? account = null) =>
        (IssuedToken)(await Ok(Server, new IssueToken(role, domain, account, "1h"))).Result!;

    private static async Task<AdminReply> AskOn(IActorRef api, string? token, IAdminCommand command) =>
        await api.Ask<AdminReply>(new AdminRequest(token, command), TimeSpan.FromSeconds(30), Ct);

    [Fact]
    public async Task A_revoked_token_is_refused_by_every_node_and_other_tokens_still_work()
    {
        var otherNode = NodeApi();
        var domain = await Issue("domain", "example.com");
        Assert.True((await AskOn(otherNode, domain.Token, new WhoAmI())).Ok); // the other node has its copy already

        var revoked = await Ok(Server, new RevokeToken(domain.Caller.TokenId.ToUpperInvariant()));

        Assert.Contains($"token {domain.Caller.TokenId} revoked", ((Done)revoked.Result!).Message);
        var here = await Ask(domain.Token, new GetAccount(John));
        Assert.True(Denied(here), here.Error);
        Assert.Contains($"the token {domain.Caller.TokenId} was revoked", here.Error);
        await AwaitAssertAsync(async () => Assert.True(Denied(await AskOn(otherNode, domain.Token, new GetAccount(John)))),
            TimeSpan.FromSeconds(10), cancellationToken: Ct);
        // A node that just started has no copy yet: it fetches one before it answers, and does not let the token through.
        Assert.True(Denied(await AskOn(NodeApi(), domain.Token, new WhoAmI())));
        Assert.True((await Ask((await Issue("domain", "example.com")).Token, new GetAccount(John))).Ok);
        Assert.True((await As(Server, new WhoAmI())).Ok);
    }

    [Fact]
    public async Task A_revocation_outlives_the_singleton_that_recorded_it()
    {
        var user = await Issue("user", account: John);
        await Ok(Server, new RevokeToken(user.Caller.TokenId));
        Watch(_revocations!);
        _revocations!.Tell(PoisonPill.Instance);
        ExpectTerminated(_revocations!, TimeSpan.FromSeconds(10), cancellationToken: Ct);

        _revocations = Sys.ActorOf(TokenRevocations.Props());
        var restarted = NodeApi();

        Assert.True(Denied(await AskOn(restarted, user.Token, new WhoAmI())));
    }

    [Fact]
    public async Task Revoke_refuses_a_malformed_id_naming_the_field()
    {
        var reply = await As(Server, new RevokeToken("not-an-id"));

        Assert.False(reply.Ok);
        Assert.StartsWith("ID", reply.Error);
    }

    [Fact]
    public async Task Rotating_the_signing_secret_refuses_every_older_token_and_gives_the_caller_a_new_one()
    {
        var before = Token(Server);
        var domainBefore = Token(DomainAdmin);
        var secretFile = Path.Combine(_data, ClusterSecret.FileName);
        var fileBefore = await File.ReadAllTextAsync(secretFile, Ct);

        var reply = await Ask(before, new RotateSigningSecret());

        Assert.True(reply.Ok, reply.Error);
        var fresh = (IssuedToken)reply.Result!;
        Assert.Equal("server", fresh.Caller.Role);
        foreach (var old in new[] { before, domainBefore })
        {
            var refused = await Ask(old, new WhoAmI());
            Assert.True(Denied(refused), refused.Error);
            Assert.Contains("not signed with this cluster's secret", refused.Error);
        }
        Assert.True((await Ask(fresh.Token, new WhoAmI())).Ok);
        Assert.NotEqual(fileBefore, await File.ReadAllTextAsync(secretFile, Ct));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        // The offline bootstrap (rpoll token issue --secret-file) reads the new secret.
        var offline = ClusterSecretFile.ReadFile(secretFile).Signer().Issue(Server, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        Assert.True((await Ask(offline, new WhoAmI())).Ok);
    }
}
