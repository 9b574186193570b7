using System.Net;
using RemotePoll.Core.Records;
using RemotePoll.Mail.Net;
using RemotePoll.Mail.OAuth;

namespace RemotePoll.Mail.Rimap;

/// <summary>
/// One RIMAP poll: whose local account, which record, how to reach and log in to the remote IMAP account, and
/// the bounds of the session (<see cref="SessionLimits"/>, and the mirror's own below). Its text form never shows the password.
/// </summary>
public sealed record RimapMirrorRequest : SessionLimits
{
    public RimapMirrorRequest() { }

    /// <summary>A request bounded by <paramref name="limits"/> (the node's, taken as they are).</summary>
    public RimapMirrorRequest(SessionLimits limits) : base(limits) { }

    /// <summary>The local account the mirror belongs to, <c>user@domain</c>.</summary>
    public required string Account { get; init; }

    /// <summary>The record name: the local root folder of the mirrored tree (spec, RIMAP "Name").</summary>
    public required string RecordName { get; init; }

    /// <summary>The record's "at Host": host name or address and an optional non-standard port.</summary>
    public required HostAndPort Host { get; init; }

    /// <summary>The remote account name (spec, RIMAP "Account").</summary>
    public required string User { get; init; }

    /// <summary>The remote password, in clear.</summary>
    public required string Password { get; init; }

    /// <summary>
    /// Sign in with this OAuth2 access token (SASL XOAUTH2/OAUTHBEARER) and never with a password; null: the
    /// record's password method. <see cref="Password"/> then holds the same token, so transcripts redact it.
    /// </summary>
    public OAuth2Bearer? Bearer { get; init; }

    public ConnectionSecurity Security { get; init; } = ConnectionSecurity.None;

    public ImapAuthMethod AuthMethod { get; init; } = ImapAuthMethod.Normal;

    /// <summary>The parameter of the IMAP LIST command (spec, RIMAP "Filter"); null or empty means every folder (<c>*</c>).</summary>
    public string? ListFilter { get; init; }

    /// <summary>The record's Sync Flags: local copies follow the remote flags and expunges (the remote side is still only read).</summary>
    public bool SyncFlags { get; init; }

    /// <summary>The record's TLS trust: validation (default), a certificate or public-key pin, a CA file, or accept-any.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.Validate;

    /// <summary>The source address to connect from (module "Source IP Address" / "Use Domain IP Addresses"); null lets the OS choose.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>
    /// The most local folders one record's mirror may hold below its root (each remote folder and the levels above it):
    /// remote folders beyond it are not mirrored and are reported (<see cref="RimapMirrorResult.SkippedFolders"/>).
    /// </summary>
    public int MaxFolders { get; init; } = DefaultMaxFolders;

    public const int DefaultMaxFolders = 1000;

    /// <summary>The most messages fetched with one UID FETCH and stored with one durability barrier.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>
    /// The most bytes in one batch, by RFC822.SIZE, a message without one counting as <see cref="MaxMessageSize"/>; a single
    /// larger message makes a batch of its own. A fetch may read no more than the batch announced (plus a small allowance).
    /// </summary>
    public long BatchBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Name resolution; null means DNS. Tests substitute their own to reach a loopback server by name.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolver { get; init; }

    /// <summary>The port to connect to: the explicit one, else 993 for SSL/TLS and 143 otherwise (spec, Connection Security).</summary>
    public int Port => Host.PortOr(Security == ConnectionSecurity.SslTls ? RimapRecord.DefaultTlsPort : RimapRecord.DefaultPort);

    /// <summary>
    /// The request for <paramref name="record"/> of <paramref name="account"/>, with its password unsealed by the caller,
    /// within <paramref name="limits"/> (null: the defaults).
    /// </summary>
    public static RimapMirrorRequest For(string account, RimapRecord record, string password, SessionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new RimapMirrorRequest(limits ?? new SessionLimits())
        {
            Account = account,
            RecordName = record.Name,
            Host = record.Host,
            User = record.AuthName,
            Password = password,
            Security = record.Security,
            AuthMethod = record.AuthMethod,
            ListFilter = record.ListFilter,
            SyncFlags = record.SyncFlags,
            Trust = record.Trust,
        };
    }

    public override string ToString() =>
        $"RIMAP {RecordName} of {Account}: {User}@{Host} ({Security}, {AuthMethod}, filter '{ListFilter ?? "*"}', password hidden)";
}
