using RemotePoll.Core.Secrets;

namespace RemotePoll.Core.Records;

/// <summary>
/// An RIMAP record: a remote IMAP account whose folder tree is mirrored under a local folder named after the
/// record (spec, RIMAP Component). <see cref="ExtOrder"/> is the pending out-of-schedule poll order (Try Now).
/// </summary>
public sealed record RimapRecord(
    string Name,
    PollPeriod Period,
    string AuthName,
    HostAndPort Host,
    SealedSecret Password,
    ConnectionSecurity Security = ConnectionSecurity.None,
    ImapAuthMethod AuthMethod = ImapAuthMethod.Normal,
    string? ListFilter = null,
    DateTimeOffset? ExtOrder = null)
{

    public const int DefaultPort = 143;
    public const int DefaultTlsPort = 993;

    /// <summary>How the server's TLS certificate is trusted: validated by default; a pin, a CA file or accept-any per record.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.Validate;

    /// <summary>
    /// Created or last changed by an account user (not an administrator): it may not target loopback, private,
    /// link-local or the cluster's own addresses, and its Poll Every has the module's user minimum.
    /// </summary>
    public bool ByAccountUser { get; init; }

    /// <summary>
    /// Push (issue 20): besides Poll Every, the owning node holds one connection to the server in IDLE on INBOX and mirrors
    /// as soon as the server announces new mail, while the module's push-connections allow it.
    /// </summary>
    public bool Push { get; init; }

    /// <summary>
    /// Sync flags (issue 20 point 3): the local copies follow the remote flags and a message expunged remotely is removed
    /// locally; off (the spec's behaviour), the mirror only ever adds. The remote side is never changed either way.
    /// </summary>
    public bool SyncFlags { get; init; }

    /// <summary>Set: the record signs in with OAuth2 through this provider and its grant, never with <see cref="Password"/>.</summary>
    public OAuth.OAuthSignIn? OAuth { get; init; }

    /// <summary>The port to connect to: explicit, else 993 for SSL/TLS, else 143.</summary>
    public int Port => Host.PortOr(Security == ConnectionSecurity.SslTls ? DefaultTlsPort : DefaultPort);

    /// <summary>Where the password goes: a change of it voids the stored password (see <see cref="RecordDestination"/>).</summary>
    public RecordDestination Destination => new(Host.Host, Port, Security.ToSpecWord(), Trust, AuthName);
}
