using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Settings;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Admin;

namespace RemotePoll.Cluster.Serialization;

/// <summary>
/// Every type that is persisted or crosses a process, with its manifest: a stable name written into the journal
/// and onto the wire. A manifest is never renamed or reused; a changed shape gets a new one (".v2").
/// </summary>
public static class MessageManifests
{
    public static readonly IReadOnlyList<(Type Type, string Manifest)> All =
    [
        // account events (journal)
        (typeof(RpopRecordSaved), "ev.rpop-saved"),
        (typeof(RimapRecordSaved), "ev.rimap-saved"),
        (typeof(RecordRemoved), "ev.record-removed"),
        (typeof(AccountSettingsChanged), "ev.account-settings"),
        (typeof(PollSucceeded), "ev.poll-succeeded"),
        (typeof(PollFailed), "ev.poll-failed"),
        (typeof(LedgerChanged), "ev.ledger-changed"),
        (typeof(RimapFolderMarked), "ev.rimap-folder-marked"),
        (typeof(RimapOrderPlaced), "ev.rimap-order-placed"),
        (typeof(RimapOrderCleared), "ev.rimap-order-cleared"),
        (typeof(UnifiedDeliveriesRecorded), "ev.unified-deliveries"),
        (typeof(DeliveriesStarted), "ev.deliveries-started"),
        (typeof(OAuthGrantStored), "ev.oauth-grant-stored"),
        // cluster messages, events and snapshots
        (typeof(AccountEnvelope), "msg.account-envelope"),
        (typeof(FetchAccountState), "msg.fetch-account"),
        (typeof(AccountSnapshot), "snap.account"),
        (typeof(ModuleSettingsChanged), "ev.module-settings"),
        (typeof(DomainSaved), "ev.domain-saved"),
        (typeof(DirectorySnapshot), "snap.directory"),
        (typeof(GetDirectory), "msg.get-directory"),
        (typeof(CheckHost), "msg.check-host"),
        (typeof(HostCheck), "msg.host-check"),
        (typeof(ReportHostFailure), "msg.host-failure"),
        (typeof(HostMarkedFailed), "ev.host-failed"),
        (typeof(HostCleared), "ev.host-cleared"),
        (typeof(WakeReport), "msg.wake-report"),
        (typeof(WakeAccount), "msg.wake-account"),
        (typeof(ScheduleAccount), "msg.schedule-account"),
        (typeof(AccountScheduleConfirmed), "msg.account-schedule-confirmed"),
        (typeof(UnscheduleAccount), "msg.unschedule-account"),
        (typeof(ListScheduledAccounts), "msg.list-scheduled"),
        (typeof(ScheduledAccounts), "msg.scheduled-accounts"),
        (typeof(AccountScheduled), "ev.account-scheduled"),
        (typeof(AccountUnscheduled), "ev.account-unscheduled"),
        (typeof(WakeBroughtForward), "ev.wake-brought-forward"),
        (typeof(WakeScheduleSnapshot), "snap.wake-schedule"),
        (typeof(RequestPermit), "msg.permit-request"),
        (typeof(PermitGranted), "msg.permit-granted"),
        (typeof(RenewPermit), "msg.permit-renew"),
        (typeof(ReleasePermit), "msg.permit-release"),
        (typeof(RevokePermit), "msg.permit-revoke"),
        (typeof(GetPermitUse), "msg.permit-use-get"),
        (typeof(PermitUse), "msg.permit-use"),
        // admin protocol
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
        (typeof(ResealPasswords), "msg.reseal-passwords"),
        (typeof(PasswordsResealed), "msg.passwords-resealed"),
        (typeof(RevokeToken), "admin.token-revoke"),
        (typeof(RotateSigningSecret), "admin.secrets-rotate-signing"),
        (typeof(Secrets.TokenRevoked), "ev.token-revoked"),
        (typeof(Secrets.RevokedTokenList), "snap.revoked-tokens"),
        (typeof(Secrets.GetRevokedTokens), "msg.get-revoked-tokens"),
        (typeof(OAuth.OAuthProviderSaved), "ev.oauth-provider-saved"),
        (typeof(OAuth.OAuthProviderRemoved), "ev.oauth-provider-removed"),
        (typeof(OAuth.OAuthProvidersSnapshot), "snap.oauth-providers"),
        (typeof(OAuth.GetOAuthProviders), "msg.get-oauth-providers"),
        (typeof(OAuth.RemoveUnusedOAuthProvider), "msg.remove-unused-oauth-provider"),
        (typeof(OAuth.ConfirmOAuthProviders), "msg.confirm-oauth-providers"),
        (typeof(OAuth.OAuthProvidersConfirmed), "msg.oauth-providers-confirmed"),
        (typeof(OAuth.RetireOAuthProvider), "msg.retire-oauth-provider"),
        (typeof(OAuth.OAuthProviderRetiring), "msg.oauth-provider-retiring"),
        (typeof(OAuth.ReleaseOAuthProvider), "msg.release-oauth-provider"),
        (typeof(OAuth.ResealOAuthProviders), "msg.reseal-oauth-providers"),
        (typeof(OAuth.OAuthProvidersResealed), "msg.oauth-providers-resealed"),
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

    /// <summary>The interfaces whose implementations are bound to <see cref="RemotePollSerializer"/>.</summary>
    public static readonly IReadOnlyList<Type> BoundTypes =
        [typeof(IClusterMessage), typeof(IAccountEvent), typeof(IAdminCommand), typeof(IAdminResult), typeof(AdminRequest), typeof(AdminReply)];
}
