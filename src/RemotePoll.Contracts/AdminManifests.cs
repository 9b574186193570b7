using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;

namespace RemotePoll.Contracts;

/// <summary>
/// The admin protocol's types with their manifests: what rpoll and the nodes send each other. The nodes' table
/// (<c>MessageManifests</c> in RemotePoll.Cluster) holds these and the cluster's own. A manifest is never renamed or
/// reused (a CLI and a node of different builds meet in a rolling upgrade); a changed shape gets a new one (".v2").
/// </summary>
public static class AdminManifests
{
    public static readonly IReadOnlyList<(Type Type, string Manifest)> All =
    [
        (typeof(AdminRequest), "admin.request"),
        (typeof(AdminReply), "admin.reply"),
        (typeof(ClusterShow), "admin.cluster-show"),
        (typeof(ClusterLeave), "admin.cluster-leave"),
        (typeof(ClusterDown), "admin.cluster-down"),
        (typeof(ShowRegionStats), "admin.region-stats"),
        (typeof(ModuleShow), "admin.module-show"),
        (typeof(ModuleSet), "admin.module-set"),
        (typeof(DomainList), "admin.domain-list"),
        (typeof(DomainShow), "admin.domain-show"),
        (typeof(DomainSet), "admin.domain-set"),
        (typeof(CgpGetRecords), "admin.cgp-get"),
        (typeof(CgpSetRecords), "admin.cgp-set"),
        (typeof(SetRpopRecord), "admin.rpop-set"),
        (typeof(SetRimapRecord), "admin.rimap-set"),
        (typeof(RemoveRecord), "admin.record-remove"),
        (typeof(ReplaceRpopRecords), "admin.rpop-replace"),
        (typeof(ReplaceRimapRecords), "admin.rimap-replace"),
        (typeof(SetAccountSettings), "admin.account-set"),
        (typeof(GetAccount), "admin.account-show"),
        (typeof(PollRecord), "admin.record-poll"),
        (typeof(GetPollProgress), "admin.record-poll-progress"),
        (typeof(HostsList), "admin.hosts-list"),
        (typeof(HostsClear), "admin.hosts-clear"),
        (typeof(ImportUids), "admin.rpop-import-uids"),
        (typeof(NodeStatsShow), "admin.node-stats"),
        (typeof(Done), "result.done"),
        (typeof(ClusterView), "result.cluster"),
        (typeof(RegionStatsView), "result.region-stats"),
        (typeof(ModuleSettingsView), "result.module"),
        (typeof(DomainsView), "result.domains"),
        (typeof(CgpText), "result.cgp"),
        (typeof(AccountView), "result.account"),
        (typeof(PollReport), "result.poll"),
        (typeof(PollProgressView), "result.poll-progress"),
        (typeof(HostsView), "result.hosts"),
        (typeof(NodeStatsView), "result.node-stats"),
        (typeof(WhoAmI), "admin.whoami"),
        (typeof(IssueToken), "admin.token-issue"),
        (typeof(CallerView), "result.caller"),
        (typeof(IssuedToken), "result.token"),
        (typeof(RotateSecrets), "admin.secrets-rotate"),
        (typeof(RevokeToken), "admin.token-revoke"),
        (typeof(RotateSigningSecret), "admin.secrets-rotate-signing"),
        (typeof(OAuthProviderSet), "admin.oauth-provider-set"),
        (typeof(OAuthProviderShow), "admin.oauth-provider-show"),
        (typeof(OAuthProviderList), "admin.oauth-provider-list"),
        (typeof(OAuthProviderRemove), "admin.oauth-provider-remove"),
        (typeof(OAuthProvidersView), "result.oauth-providers"),
        (typeof(StoreOAuthGrant), "admin.oauth-grant-store"),
        (typeof(AuthorizeRecord), "admin.record-authorize"),
        (typeof(GetAuthorization), "admin.record-authorization"),
        (typeof(OAuthAuthorizationView), "result.oauth-authorization"),
    ];
}
