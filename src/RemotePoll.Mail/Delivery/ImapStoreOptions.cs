using System.Net.Security;
using MailKit.Security;

namespace RemotePoll.Mail.Delivery;

/// <summary>How <see cref="ImapMailboxStore"/> reaches the local IMAP server as a master user.</summary>
public sealed record ImapStoreOptions
{
    /// <summary>The master user that may log in to any account (Dovecot: a passdb with <c>master = yes</c>).</summary>
    public required string MasterUser { get; init; }

    public required string MasterPassword { get; init; }

    /// <summary>Between account and master user in the login name: <c>user@domain*master</c> (Dovecot's auth_master_user_separator).</summary>
    public string MasterSeparator { get; init; } = "*";

    /// <summary>A local IMAP server on loopback needs no TLS; use StartTls across the network.</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.None;

    /// <summary>Certificate check for TLS; the system's when null.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long any read or write may take (MailKit's Timeout).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a logged-in session is kept after a call for the next call to the same account (a poll's calls then
    /// share one login); zero: every call opens and closes its own session.
    /// </summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>At most this many idle sessions are kept, for all accounts together; the longest idle is closed first.</summary>
    public int MaxIdleSessions { get; init; } = 16;
}
