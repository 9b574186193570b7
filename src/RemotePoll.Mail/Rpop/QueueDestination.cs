using RemotePoll.Core.Envelope;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// No Mailbox: the message goes through the local mail system so its rules apply (spec, RPOP Mailbox). The envelope
/// sender comes from Return-Path (the field is removed; final delivery recreates it), the recipient is the account,
/// and it is flagged "do not report failures" (DSN NOTIFY=NEVER where the target speaks DSN).
/// <para><paramref name="lookup"/> is a store that sees what the queue delivered to the account's INBOX (the embedded
/// Maildir, or the local IMAP server the LMTP/SMTP target stores into); without it a delivery cannot be checked.</para>
/// </summary>
public sealed class QueueDestination(IQueueDelivery queue, string account, IMailboxStore? lookup = null) : IMessageDestination
{
    public Task<IReadOnlySet<string>?> FindDeliveredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        lookup is null ? Task.FromResult<IReadOnlySet<string>?>(null) : lookup.FindStampedAsync(account, MailboxPath.Inbox, ids, cancellationToken);

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var batch = messages.Select(m =>
        {
            var (sender, stripped) = ReturnPath.ExtractShared(m);
            return new MessageToDeliver(account, new MessageEnvelope(sender, [new EnvelopeRecipient(account, DsnNotify.Never)]), stripped);
        }).ToList();
        var results = await queue.DeliverBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        return results.Select(Outcome).ToList();
    }

    private static DeliveryOutcome Outcome(MessageDeliveryResult r) =>
        r.AllDelivered ? DeliveryOutcome.Delivered
        : r.Recipients.FirstOrDefault(x => x.Outcome.Status == DeliveryStatus.TemporaryFailure)?.Outcome
          ?? r.Recipients.First(x => !x.Outcome.IsDelivered).Outcome;
}
