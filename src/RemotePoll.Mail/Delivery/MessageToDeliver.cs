namespace RemotePoll.Mail.Delivery;

/// <summary>
/// A retrieved message on its way to the local mail system: the raw RFC 822 bytes as the remote server
/// sent them (CRLF or LF line ends), the envelope, and the local account (<c>user@domain</c>) on whose behalf
/// it was retrieved.
/// </summary>
public sealed record MessageToDeliver(string Account, MessageEnvelope Envelope, ReadOnlyMemory<byte> Content)
{
    /// <summary>
    /// A message for the account itself, flagged "do not report failures" (spec, RPOP Mailbox field:
    /// messages sent via the Queue are flagged so that no error report goes to the original sender).
    /// </summary>
    public static MessageToDeliver ForAccount(string account, string? sender, ReadOnlyMemory<byte> content) =>
        new(account, new MessageEnvelope(sender, [new EnvelopeRecipient(account, DsnNotify.Never)]), content);
}
