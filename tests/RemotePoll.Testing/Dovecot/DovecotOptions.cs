namespace RemotePoll.Testing.Dovecot;

/// <summary>How a private Dovecot instance is set up; the defaults offer everything.</summary>
public sealed record DovecotOptions
{
    /// <summary>Offer APOP: the POP3 greeting carries the <c>&lt;...@...&gt;</c> timestamp.</summary>
    public bool Apop { get; init; } = true;

    /// <summary>Offer the CRAM-MD5 SASL mechanism (POP3 CAPA SASL, IMAP AUTH=).</summary>
    public bool CramMd5 { get; init; } = true;

    /// <summary>
    /// Dovecot's <c>pop3_lock_session</c>: a second POP3 session on a mailbox is refused with
    /// <c>-ERR [IN-USE]</c>, for "mailbox locked" tests. Dovecot 2.3 first waits about 12 seconds for the
    /// lock (a fixed wait, not mail_max_lock_timeout): give the client a longer timeout than that.
    /// </summary>
    public bool Pop3LockSession { get; init; }

    /// <summary>Log authentication details (<c>auth_debug</c>): mechanisms, lookups.</summary>
    public bool AuthDebug { get; init; }

    /// <summary>Users created at start, name to password.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Makes the instance an OAuth2 resource server as well: the mechanisms of <see cref="OAuth2Mechanisms"/> are
    /// offered and checked by <c>passdb oauth2</c> against this RFC 7662 introspection URL (e.g.
    /// <c>OAuthTestServer.IntrospectionEndpoint</c>). Null (the default): no OAuth2 at all.
    /// </summary>
    public string? OAuth2IntrospectionUrl { get; init; }

    /// <summary>The OAuth2 SASL mechanisms offered when <see cref="OAuth2IntrospectionUrl"/> is set.</summary>
    public string OAuth2Mechanisms { get; init; } = "xoauth2 oauthbearer";

    /// <summary>Extra lines appended to the generated dovecot.conf (multi-line blocks only).</summary>
    public string? ExtraConfig { get; init; }

    /// <summary>How long to wait for the listeners to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
