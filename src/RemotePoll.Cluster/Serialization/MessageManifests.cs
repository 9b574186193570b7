using RemotePoll.Cluster.Accounts;
using RemotePoll.Cluster.Domains;
using RemotePoll.Cluster.Governor;
using RemotePoll.Cluster.Hosts;
using RemotePoll.Cluster.Schedule;
using RemotePoll.Cluster.Settings;
using RemotePoll.Contracts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;

namespace RemotePoll.Cluster.Serialization;

/// <summary>
/// Every type that is persisted or crosses a process, with its manifest: a stable name written into the journal
/// and onto the wire. The nodes' serializer table; the admin protocol's part is <see cref="AdminManifests"/>, shared
/// with rpoll. A manifest is never renamed or reused; a changed shape gets a new one (".v2").
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
        // replicated to every node (Replication)
        (typeof(Replication.ReplicatedSettings), "rep.module-settings"),
        (typeof(Replication.ReplicatedDirectory), "rep.directory"),
        (typeof(Replication.ReplicatedHosts), "rep.failed-hosts"),
        (typeof(Replication.ConfirmReplica), "msg.confirm-replica"),
        (typeof(Replication.ReplicaConfirmed), "msg.replica-confirmed"),
        // the admin protocol (RemotePoll.Contracts, shared with rpoll)
        .. AdminManifests.All,
        (typeof(ResealPasswords), "msg.reseal-passwords"),
        (typeof(PasswordsResealed), "msg.passwords-resealed"),
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
    ];
}
