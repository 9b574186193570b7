using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;

namespace RemotePoll.Cluster.Polling;

/// <summary>
/// What every poller on a node shares: the sealer that opens passwords, the local delivery targets, the trust
/// settings and limits for remote sessions, and the last known module settings.
/// </summary>
public sealed class PollEnvironment
{
    public required ISecretSealer Sealer { get; init; }
    /// <summary>No Mailbox: the queue path (Maildir INBOX, LMTP or SMTP).</summary>
    public required IQueueDelivery Queue { get; init; }
    /// <summary>Mailbox set, and RIMAP: the mailbox store (Maildir++ or a local IMAP server).</summary>
    public required IMailboxStore Store { get; init; }
    /// <summary>
    /// A store that sees what <see cref="Queue"/> delivers to an account's INBOX (the embedded Maildir for the Maildir
    /// queue; the local IMAP server for LMTP/SMTP with an imap:// store), so a poll interrupted by a crash is not
    /// delivered twice. Null: the queue's deliveries cannot be checked (at least once).
    /// </summary>
    public IMailboxStore? QueueLookup { get; init; }
    /// <summary>
    /// Every remote session's bounds and trust: the node's CA file (a private CA, a test server's self-signed one), the
    /// only folder whose files records may name as their TLS CA file (remotepoll.tls.ca-folder, by default DATA/tls-ca),
    /// the timeouts and the largest message.
    /// </summary>
    public SessionLimits Limits { get; init; } = new();
    /// <summary>The most local folders one RIMAP record's mirror may hold (<c>rimap-max-folders</c>); further remote folders are skipped and reported.</summary>
    public int RimapMaxFolders { get; init; } = Mail.Rimap.RimapMirrorRequest.DefaultMaxFolders;
    /// <summary>RIMAP push: IDLE is re-issued this often (<c>push-idle-every</c>, below RFC 2177's 29 minutes).</summary>
    public TimeSpan PushIdleEvery { get; init; } = Mail.Rimap.RimapPush.DefaultReissueEvery;
    /// <summary>The longest a poll may run before it is cancelled and reported.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Addresses of the local mail system that count as "this server" for Allow Self-Poll.</summary>
    public IReadOnlyList<System.Net.IPAddress> ConfiguredOwnAddresses { get; init; } = [];
    /// <summary>Unified Domain-Wide Accounts: the same message for the same recipient within this window is delivered once.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromDays(1);
    /// <summary>Where failure reports for refused "report on failure" recipients go; null: none is sent, the refusal is logged.</summary>
    public IQueueDelivery? ReportRelay { get; init; }
    /// <summary>The Reporting-MTA named in failure reports.</summary>
    public string ReportingMta { get; init; } = Environment.MachineName;
    public ModuleSettingsCache Settings { get; } = new();
    public DirectoryCache Directory { get; } = new();
    /// <summary>Delay Failed Hosts as this node last saw them (replicated from the host-health singleton).</summary>
    public Hosts.FailedHostsCache FailedHosts { get; } = new();
    /// <summary>The clock pollers and the host-health singleton read (failed-until); tests pass a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>The registered OAuth2 providers, as this node last saw them.</summary>
    public OAuth.OAuthProviderCache OAuthProviders { get; } = new();
    /// <summary>This node's OAuth2 token requests and the app-only tokens of client-credentials providers.</summary>
    public OAuth.OAuthTokenSource OAuthTokens { get; init; } = OAuth.OAuthTokenSource.CreateDefault();
    /// <summary>This node's poller statistics (<c>rpoll node stats</c>).</summary>
    public Stats.PollStats Stats { get; } = new();
}
