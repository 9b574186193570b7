namespace RemotePoll.Core.Polling;

/// <summary>
/// Why a poll failed, typed so that the module can apply Delay Failed Hosts (connection-level failures)
/// and Delay Failed Account (mailbox-level failures): spec, Remote Poll settings.
/// </summary>
public enum PollErrorKind
{
    /// <summary>The remote host could not be reached: refused, unreachable, DNS failure, connect timeout.</summary>
    ConnectionFailed,
    /// <summary>The TLS handshake failed or the certificate did not validate.</summary>
    TlsFailed,
    /// <summary>The remote server rejected the credentials.</summary>
    AuthenticationFailed,
    /// <summary>The remote mailbox is locked or in use by another session.</summary>
    MailboxLocked,
    /// <summary>The connection broke or timed out while messages were being retrieved.</summary>
    ConnectionLost,
    /// <summary>The server said something that is not the protocol, or lacks a required capability.</summary>
    ProtocolError,
    /// <summary>A message exceeded the configured size limit.</summary>
    MessageTooLarge,
    /// <summary>The local side (queue or mailbox store) did not accept a message.</summary>
    LocalDeliveryFailed,
    /// <summary>The record may not be polled (self-poll, forbidden address, missing configuration).</summary>
    Refused,
    /// <summary>Anything else; the text says what.</summary>
    Internal,
    /// <summary>
    /// An OAuth2 record's grant was refused by the provider (consent revoked, password changed, refresh token
    /// expired): the user must reconnect. Delay Failed Account applies; polling does not retry in a loop.
    /// </summary>
    AuthorizationExpired,
    /// <summary>
    /// The server refused for now and said so with a response code (RFC 2449 [LOGIN-DELAY], RFC 3206 [SYS/TEMP]): not the
    /// credentials' fault; tried again after Delay Failed Account (and never before the server's LOGIN-DELAY).
    /// </summary>
    TemporarilyUnavailable,
    /// <summary>The server reported a permanent failure of its own (RFC 3206 [SYS/PERM]): not the credentials; its operator must act.</summary>
    ServerFailed,
}
