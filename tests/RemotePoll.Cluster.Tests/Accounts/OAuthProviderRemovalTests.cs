using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.TestKit;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Hosting;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Cluster.Polling;
using RemotePoll.Cluster.Secrets;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Records;

namespace RemotePoll.Cluster.Tests.Accounts;

/// <summary>
/// Issue 17 leftover: <c>oauth provider remove</c> racing a record save that starts naming the provider. The account
/// confirms the provider with the registry before it persists such a save, and the registry confirms nothing it is
/// removing; a removal reads the records only after that, so no record can end up naming a removed provider. The real
/// entity and registry on the SQLite journal.
/// </summary>
public sealed class OAuthProviderRemovalTests : TestKit
{
    private const string Account = "ray@example.com";
    private readonly string _data = Directory.CreateTempSubdirectory("rpoll-oauth-removal-").FullName;
    private readonly KeyRing _sealer;
    private readonly PollEnvironment _env;
    private IActorRef _registry = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public OAuthProviderRemovalTests()
    {
        _sealer = KeyRing.LoadOrCreate(Path.Combine(_data, KeyRing.FileName));
        var maildir = new RemotePoll.Mail.Delivery.MaildirStore(Path.Combine(_data, "mail"));
        _env = new PollEnvironment { Sealer = _sealer, Queue = maildir, Store = maildir };
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) =>
        builder.AddHocon(SerializationConfig.Hocon, HoconAddMode.Prepend).AddHocon(CompactMailbox.Hocon, HoconAddMode.Prepend)
            .AddRemotePollPersistence(new NodeOptions { DataDir = _data });

    private async Task<IActorRef> RegistryWith(string provider)
    {
        _registry = Sys.ActorOf(OAuthProviderRegistry.Props(_sealer));
        ActorRegistry.For(Sys).Register<OAuthProviderRegistry>(_registry);
        var saved = await _registry.Ask<AdminReply>(new OAuthProviderSet(new OAuthProviderChange(provider)
        {
            Kind = "generic", ClientId = "cid", TokenEndpoint = "https://idp.example.com/token",
            AuthorizationEndpoint = "https://idp.example.com/authorize", Scopes = "mail",
        }), Wait, Ct);
        Assert.True(saved.Ok, saved.Error);
        return _registry;
    }

    private async Task<AdminReply> SaveRecordNaming(IActorRef entity, string provider) =>
        await entity.Ask<AdminReply>(new AccountEnvelope(new SetRpopRecord(Account, new RpopRecordChange("home")
        {
            Host = "pop.example.com:1110", AuthName = "ray", Every = "disabled", OAuthProvider = provider,
        }), null), Wait, Ct);

    private async Task<bool> HasRecord(IActorRef entity) =>
        (await entity.Ask<AccountSnapshot>(new FetchAccountState(Account), Wait, Ct)).Rpop.Count > 0;

    [Fact]
    public async Task A_record_cannot_start_naming_a_provider_whose_removal_has_begun_and_the_removal_ends_with_no_record_naming_it()
    {
        var registry = await RegistryWith("idp");
        var entity = Sys.ActorOf(AccountEntity.Props(Account, _env));

        // The removal has begun (the admin API reads the records next); a save that would start naming the provider comes in.
        var retiring = await registry.Ask<OAuthProviderRetiring>(new RetireOAuthProvider("IDP"), Wait, Ct);
        Assert.Equal("idp", retiring.Name);
        var save = await SaveRecordNaming(entity, "idp");

        Assert.False(save.Ok);
        var error = Assert.Single(save.FieldErrors!);
        Assert.Equal("OAuthProvider", error.Field);
        Assert.Contains("being removed", error.Reason);
        Assert.False(await HasRecord(entity));
        var removed = await registry.Ask<AdminReply>(new RemoveUnusedOAuthProvider("idp"), Wait, Ct);
        Assert.True(removed.Ok, removed.Error);
        Assert.Empty((await registry.Ask<OAuthProvidersSnapshot>(new GetOAuthProviders(), Wait, Ct)).Providers);
    }

    [Fact]
    public async Task A_save_confirmed_before_the_removal_is_reported_to_it_so_the_removal_waits_and_reads_the_record()
    {
        var registry = await RegistryWith("idp");
        var entity = Sys.ActorOf(AccountEntity.Props(Account, _env));
        var before = DateTimeOffset.UtcNow;

        var dbgSave = await SaveRecordNaming(entity, "idp");
        Assert.True(dbgSave.Ok, dbgSave.Error);
        var retiring = await registry.Ask<OAuthProviderRetiring>(new RetireOAuthProvider("idp"), Wait, Ct);

        Assert.NotNull(retiring.LastConfirmed);
        Assert.True(retiring.LastConfirmed >= before);
        Assert.True(await HasRecord(entity)); // what the removal then reads: the record, so it refuses and releases
        registry.Tell(new ReleaseOAuthProvider("idp"));
        Assert.True((await SaveRecordNaming(entity, "idp")).Ok); // released: records may name it again
    }

    [Fact]
    public async Task The_registry_removes_a_provider_only_during_a_removal_it_was_told_of()
    {
        var registry = await RegistryWith("idp");

        var unasked = await registry.Ask<AdminReply>(new RemoveUnusedOAuthProvider("idp"), Wait, Ct);

        Assert.False(unasked.Ok);
        Assert.Single((await registry.Ask<OAuthProvidersSnapshot>(new GetOAuthProviders(), Wait, Ct)).Providers);
        await registry.Ask<OAuthProviderRetiring>(new RetireOAuthProvider("idp"), Wait, Ct);
        registry.Tell(new ReleaseOAuthProvider("idp"));
        Assert.False((await registry.Ask<AdminReply>(new RemoveUnusedOAuthProvider("idp"), Wait, Ct)).Ok); // released: not removed
        Assert.True((await registry.Ask<OAuthProvidersConfirmed>(new ConfirmOAuthProviders(["idp", "other"]), Wait, Ct)).Refused is ["other"]);
    }
}
