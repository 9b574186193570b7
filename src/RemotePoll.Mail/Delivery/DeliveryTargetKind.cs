namespace RemotePoll.Mail.Delivery;

/// <summary>Where retrieved mail goes on the local side.</summary>
public enum DeliveryTargetKind
{
    /// <summary>The embedded Maildir tree under the node's data folder.</summary>
    Maildir,
    /// <summary>An LMTP server (RFC 2033) over TCP or a Unix socket: queue only.</summary>
    Lmtp,
    /// <summary>An SMTP server: queue only.</summary>
    Smtp,
    /// <summary>An IMAP server reached as a master user: mailbox store only.</summary>
    Imap,
}
