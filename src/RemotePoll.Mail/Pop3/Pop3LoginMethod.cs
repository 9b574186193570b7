namespace RemotePoll.Mail.Pop3;

/// <summary>How a POP3 session logs in.</summary>
public enum Pop3LoginMethod
{
    /// <summary>USER and PASS, the password in clear text (over TLS when the record says TLS).</summary>
    UserPass,
    /// <summary>APOP: an MD5 digest of the greeting's timestamp and the password (RFC 1939).</summary>
    Apop,
    /// <summary>The non-standard <c>AUTH MSN</c> of MSN's POP3 servers (NTLM under another name).</summary>
    AuthMsn,
    /// <summary>SASL XOAUTH2 with an OAuth2 access token (Google, Microsoft).</summary>
    XOAuth2,
    /// <summary>SASL OAUTHBEARER (RFC 7628) with an OAuth2 access token.</summary>
    OAuthBearer,
}
