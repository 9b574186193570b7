using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Serialization;
using RemotePoll.Cluster.Settings;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Polling;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Settings;

namespace RemotePoll.Cluster.Tests.Serialization;

/// <summary>Everything persisted or sent between processes goes through our serializer and comes back equal.</summary>
public sealed class RemotePollSerializerTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly SealedSecret Sealed = new("v1:k1:AAAA");
    private static readonly RpopRecord Rpop = new("home", PollPeriod.Every(TimeSpan.FromMinutes(5)), "john", HostAndPort.Parse("[::1]:1110"), Sealed, Leave: true, Mailbox: "Remote/Home");
    private static readonly RimapRecord Rimap = new("work", PollPeriod.Disabled, "j", HostAndPort.Parse("imap.example.com"), Sealed, ConnectionSecurity.StartTls, ImapAuthMethod.Encrypted, "INBOX*", T);

    private readonly ActorSystem _system = ActorSystem.Create("serializer-test", SerializationConfig.Hocon
        .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));

    public static TheoryData<object> Samples() =>
    [
        new RpopRecordSaved(Rpop),
        new RimapRecordSaved(Rimap),
        new RecordRemoved(RecordKind.Rimap, "work"),
        new AccountSettingsChanged(new AccountSettings(true)),
        new PollSucceeded(RecordKind.Rpop, "home", T, 12, 34_567),
        new DeliveriesStarted("home", [new("uid-1", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), new("uid-2", "ffeeddccbbaa99887766554433221100")]),
        new PollFailed(RecordKind.Rpop, "home", T, PollErrorKind.AuthenticationFailed, "-ERR bad password"),
        new AccountEnvelope(new SetRpopRecord("a@b.c", new RpopRecordChange("home") { Host = "h", Leave = true }), "b.c"),
        new AccountEnvelope(new ReplaceRimapRecords("a@b.c", [new RimapRecordChange("x") { Security = "STARTTLS", Replace = true }]), null),
        new FetchAccountState("a@b.c"),
        new ModuleSettingsChanged(new ModuleSettings(PollLogLevel.AllInfo, 3, false, "127.0.0.2", true, TimeSpan.FromMinutes(2), null, true)),
        new DomainSaved(new DomainSettings("example.com", ["127.0.0.2", "::1"], true)),
        new AdminRequest("token", new DomainSet("example.com", ["127.0.0.3"], null)),
        new AdminRequest(null, new CgpSetRecords("a@b.c", RecordKind.Rpop, "{}")),
        new AdminRequest(null, new PollRecord("a@b.c", RecordKind.Rimap, "work", true)),
        new AdminReply(null, "refused", [new("Name", "is required")]),
        new AdminReply(new ClusterView("akka.tcp://x@h:1", null, [new("akka.tcp://x@h:1", "Up", ["a"], true)])),
        new AdminReply(new RegionStatsView([new("n", "1", 2)])),
        new AdminReply(new CgpText("{}")),
        new AccountEnvelope(new GetAccount("a@b.c"), "b.c", ByDomainAdministrator: true),
        new AdminRequest("token", new RevokeToken("00112233445566778899aabb")),
        new AdminRequest("token", new RotateSigningSecret()),
        new RemotePoll.Cluster.Secrets.TokenRevoked("00112233445566778899aabb", T),
        new RemotePoll.Cluster.Secrets.RevokedTokenList([new("00112233445566778899aabb", T)]),
        new RemotePoll.Cluster.Secrets.GetRevokedTokens(),
        new RpopRecordSaved(Rpop with { Password = SealedSecret.None }),
        new RemotePoll.Cluster.Hosts.HostMarkedFailed(new RemotePoll.Core.Hosts.FailedHost("pop.example.com", T, T.AddMinutes(5), "refused") { Endpoint = "[::1]:110", Account = "a@b.c" }),
        new RemotePoll.Cluster.Hosts.ReportHostFailure("pop.example.com", ["192.0.2.1:110"], "a@b.c", "refused", TimeSpan.FromMinutes(5)),
        new RemotePoll.Cluster.Replication.ReplicatedHosts(4, [new RemotePoll.Core.Hosts.FailedHost("pop.example.com", T, T.AddMinutes(5), "refused") { Endpoint = "192.0.2.1:110", Account = "a@b.c" }]),
        new OAuthGrantStored(RecordKind.Rimap, "work", new RemotePoll.Core.OAuth.OAuthSignIn("gmail", Sealed, T, "joe@example.com")),
        new RpopRecordSaved(Rpop with { OAuth = new RemotePoll.Core.OAuth.OAuthSignIn("gmail", Sealed, T) }),
        new RemotePoll.Cluster.OAuth.OAuthProviderSaved(Provider),
        new RemotePoll.Cluster.OAuth.OAuthProviderRemoved("gmail"),
        new RemotePoll.Cluster.OAuth.OAuthProvidersSnapshot([Provider]),
        new RemotePoll.Cluster.OAuth.GetOAuthProviders(),
        new AdminRequest("token", new OAuthProviderSet(new RemotePoll.Core.OAuth.OAuthProviderChange("gmail") { Kind = "google", ClientId = "id" })),
        new AdminRequest("token", new OAuthProviderRemove("gmail")),
        new AdminRequest("token", new StoreOAuthGrant("a@b.c", RecordKind.Rpop, "home", "gmail", "refresh", "joe", T)),
        new AdminReply(new OAuthProvidersView([OAuthProviderView.Of(Provider)])),
        new RemotePoll.Cluster.Governor.RevokePermit("push/a@b.c/work/0f1e"),
        new RemotePoll.Cluster.Governor.GetPermitUse(),
        new RemotePoll.Cluster.Governor.PermitUse(2, 3, 1),
        new AdminReply(new ModuleSettingsView(ModuleSettings.Default with { PushConnections = 3 }, 2)),
        new AdminReply(new DomainsView([new DomainSettings("example.com", ["127.0.0.2"], true)]), Warning: "not yet confirmed by akka.tcp://remotepoll@127.0.0.1:1"),
        new RemotePoll.Cluster.Replication.ReplicatedSettings(7, ModuleSettings.Default with { Processes = 4 }),
        new RemotePoll.Cluster.Replication.ReplicatedDirectory(3, [new DomainSettings("example.com", ["127.0.0.2", "::1"], true)]),
        new RemotePoll.Cluster.Replication.ConfirmReplica("module-settings", 7),
        new RemotePoll.Cluster.Replication.ReplicaConfirmed("module-settings", 7),
    ];

    private static readonly RemotePoll.Core.OAuth.OAuthProvider Provider = new("gmail", RemotePoll.Core.OAuth.OAuthProviderKind.Google, "id", Sealed,
        "https://a.example/auth", "https://a.example/token", null, null, "mail");

    /// <summary>Events written before a grant kept the provider account's name still read: the name is null.</summary>
    [Fact]
    public void A_grant_written_before_connected_as_existed_still_reads()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new RpopRecordSaved(Rpop));
        var old = """{"kind":"Rpop","name":"home","signIn":{"provider":"gmail","grant":"v1:k1:AAAA","connectedAt":"2026-11-25T10:00:00+00:00"}}""";
        var back = (OAuthGrantStored)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(old), "ev.oauth-grant-stored");
        Assert.Equal("gmail", back.SignIn.Provider);
        Assert.Null(back.SignIn.ConnectedAs);
        Assert.True(back.SignIn.Connected);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Round_trips_with_a_stable_manifest_and_no_type_names(object message)
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
        Assert.IsType<RemotePollSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = serializer.Manifest(message);
        Assert.Contains(MessageManifests.All, m => m.Manifest == manifest && m.Type == message.GetType());
        Assert.DoesNotContain("RemotePoll.", System.Text.Encoding.UTF8.GetString(bytes));
        var back = serializer.FromBinary(bytes, manifest);
        // Records with lists compare by reference; the serialized form is the value.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
        Assert.Equal(message.GetType(), back.GetType());
    }

    [Fact]
    public void Account_snapshot_rebuilds_case_insensitive_names()
    {
        var state = AccountState.Empty("a@b.c").Apply(new RpopRecordSaved(Rpop)).Apply(new PollFailed(RecordKind.Rpop, "home", T, PollErrorKind.ConnectionFailed, "refused"));
        var snapshot = AccountSnapshot.From(state);
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(snapshot);
        var back = (AccountSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));
        var restored = back.ToState();
        Assert.True(restored.Has(RecordKind.Rpop, "HOME"));
        Assert.Equal(Rpop, restored.Rpop["Home"]);
        Assert.Equal("refused", restored.StatusOf(RecordKind.Rpop, "home").Error);
    }

    [Fact]
    public void Every_manifest_is_unique()
    {
        Assert.Equal(MessageManifests.All.Count, MessageManifests.All.Select(m => m.Manifest).Distinct().Count());
        Assert.Equal(MessageManifests.All.Count, MessageManifests.All.Select(m => m.Type).Distinct().Count());
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
