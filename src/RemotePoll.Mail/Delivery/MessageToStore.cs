using MailKit;

namespace RemotePoll.Mail.Delivery;

/// <summary>
/// A message to store directly in a mailbox, without rules: the raw RFC 822 bytes, the IMAP flags and
/// keywords to set, and the internal date (when the remote server received it; now when null).
/// Only the system flags Seen, Answered, Flagged, Deleted and Draft are stored; Recent cannot be set.
/// </summary>
public sealed record MessageToStore(
    ReadOnlyMemory<byte> Content,
    MessageFlags Flags = MessageFlags.None,
    DateTimeOffset? InternalDate = null,
    IReadOnlyList<string>? Keywords = null);
