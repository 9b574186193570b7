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
    /// <summary>Created or last retargeted by the account's user (not an administrator): outbound safety checks its target.</summary>
    public bool ByAccountUser { get; init; }

    public const int DefaultPort = 143;
    public const int DefaultTlsPort = 993;

    /// <summary>The port to connect to: explicit, else 993 for SSL/TLS, else 143.</summary>
    public int Port => Host.PortOr(Security == ConnectionSecurity.SslTls ? DefaultTlsPort : DefaultPort);
}
