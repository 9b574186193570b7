using Akka.Configuration;
using RemotePoll.Cluster.Polling;
using RemotePoll.Core.Secrets;
using RemotePoll.Mail.Delivery;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.Rimap;

namespace RemotePoll.Cluster.Hosting;

/// <summary>Builds a node's <see cref="PollEnvironment"/> from its options and the <c>remotepoll</c> HOCON section.</summary>
public static class PollEnvironmentFactory
{
    /// <summary>The merged HOCON of the node's files, highest precedence first.</summary>
    public static Config LoadHocon(NodeOptions options) =>
        options.HoconFiles.Reverse().Select(f => ConfigurationFactory.ParseString(File.ReadAllText(f)))
            .Aggregate(Config.Empty, (acc, c) => acc.WithFallback(c));

    /// <exception cref="DeliveryTargetException">A delivery option is malformed.</exception>
    /// <exception cref="ArgumentException">Another setting is wrong; the message names it.</exception>
    public static PollEnvironment Create(NodeOptions options, Config hocon, ISecretSealer sealer, Func<string, string?> environment)
    {
        var c = hocon.GetConfig("remotepoll") ?? Config.Empty;
        var queue = DeliveryTarget.ParseQueue(options.Deliver is null ? "remotepoll.deliver" : "--deliver", options.Deliver ?? c.GetString("deliver", "maildir"));
        var store = DeliveryTarget.ParseStore(options.Store is null ? "remotepoll.store" : "--store", options.Store ?? c.GetString("store", "maildir"));
        var caFile = options.CaFile ?? NullIfEmpty(c.GetString("ca-file", ""));
        if (caFile is not null && !File.Exists(caFile)) throw new ArgumentException($"ca-file: '{caFile}' does not exist");
        ImapStoreOptions? imap = null;
        if (store.Kind == DeliveryTargetKind.Imap)
        {
            var user = environment("RPOLL_STORE_USER") ?? NullIfEmpty(c.GetString("store-master-user", ""))
                ?? throw new ArgumentException("remotepoll.store-master-user: required for an imap:// store (or RPOLL_STORE_USER)");
            var password = environment("RPOLL_STORE_PASSWORD") ?? NullIfEmpty(c.GetString("store-master-password", ""))
                ?? throw new ArgumentException("RPOLL_STORE_PASSWORD: required for an imap:// store (or remotepoll.store-master-password)");
            imap = new ImapStoreOptions { MasterUser = user, MasterPassword = password };
        }
        var own = new List<System.Net.IPAddress>();
        foreach (var text in c.GetStringList("own-addresses", []))
            own.Add(System.Net.IPAddress.TryParse(text, out var ip) ? ip : throw new ArgumentException($"remotepoll.own-addresses: '{text}' is not an IP address"));
        var relayText = NullIfEmpty(c.GetString("report-relay", ""));
        var relay = relayText is null ? null : DeliveryTarget.ParseQueue("remotepoll.report-relay", relayText);
        if (relay?.Kind == DeliveryTargetKind.Maildir)
            throw new ArgumentException("remotepoll.report-relay: 'maildir' is not a relay; expected smtp://HOST:PORT, lmtp://HOST:PORT or lmtp:/path");
        var window = c.GetTimeSpan("duplicate-window", TimeSpan.FromDays(1));
        if (window < TimeSpan.Zero) throw new ArgumentException($"remotepoll.duplicate-window: {window} is negative");
        var sessions = c.GetInt("delivery-sessions", LmtpQueueDelivery.DefaultMaxSessions);
        if (sessions < 1) throw new ArgumentException($"remotepoll.delivery-sessions: {sessions} is not a positive number of sessions");
        var queueDelivery = queue.CreateQueue(options.MaildirRoot, sessions: sessions);
        var mailboxStore = store.CreateStore(options.MaildirRoot, imap);
        return new PollEnvironment
        {
            // The embedded queue writes into the embedded store; an LMTP/SMTP target is assumed to store into the
            // IMAP server given as the store (the usual setup: one local mail server). Other pairs cannot be checked.
            QueueLookup = queue.Kind == DeliveryTargetKind.Maildir ? queueDelivery as IMailboxStore
                : store.Kind == DeliveryTargetKind.Imap ? mailboxStore : null,
            DuplicateWindow = window,
            ReportRelay = relay?.CreateQueue(options.MaildirRoot),
            ReportingMta = NullIfEmpty(c.GetString("reporting-mta", "")) ?? Environment.MachineName,
            ConfiguredOwnAddresses = own,
            Sealer = sealer,
            Queue = queueDelivery,
            Store = mailboxStore,
            Limits = new SessionLimits
            {
                CaFile = caFile,
                CaFolder = CaFolder(options, c),
                ConnectTimeout = c.GetTimeSpan("connect-timeout", SessionLimits.DefaultConnectTimeout),
                CommandTimeout = c.GetTimeSpan("command-timeout", SessionLimits.DefaultCommandTimeout),
                MaxMessageSize = c.GetByteSize("max-message-size") ?? SessionLimits.DefaultMaxMessageSize,
            },
            PollTimeout = c.GetTimeSpan("poll-timeout", TimeSpan.FromMinutes(30)),
            RimapMaxFolders = RimapMaxFolders(c.GetInt("rimap-max-folders", RimapMirrorRequest.DefaultMaxFolders)),
            PushIdleEvery = PushIdleEvery(c.GetTimeSpan("push-idle-every", RimapPush.DefaultReissueEvery)),
        };
    }

    private static int RimapMaxFolders(int value) =>
        value > 0 ? value : throw new ArgumentException($"remotepoll.rimap-max-folders: {value} is not a positive number of folders");

    private static TimeSpan PushIdleEvery(TimeSpan value) =>
        value > TimeSpan.Zero && value < TimeSpan.FromMinutes(29) ? value
            : throw new ArgumentException($"remotepoll.push-idle-every: {value} is not above 0 and below 29 minutes (RFC 2177)");

    /// <summary>remotepoll.tls.ca-folder: an absolute folder; empty means DATA/tls-ca.</summary>
    public static string CaFolder(NodeOptions options, Config remotepoll)
    {
        var configured = NullIfEmpty(remotepoll.GetString("tls.ca-folder", ""));
        if (configured is not null && !Path.IsPathRooted(configured))
            throw new ArgumentException($"remotepoll.tls.ca-folder: '{configured}' is not an absolute path");
        return Path.GetFullPath(configured ?? Path.Combine(options.DataDir, "tls-ca"));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
