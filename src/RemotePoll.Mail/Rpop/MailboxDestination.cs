using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rpop;

/// <summary>
/// Mailbox set: messages are stored directly in that mailbox of the account, without rules (spec, RPOP Mailbox).
/// The mailbox is created if missing.
/// </summary>
public sealed class MailboxDestination(IMailboxStore store, string account, MailboxPath folder) : IMessageDestination
{
    private bool _ensured;

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        if (!_ensured)
        {
            await store.EnsureFolderAsync(account, folder, cancellationToken).ConfigureAwait(false);
            _ensured = true;
        }
        return await store.AppendBatchAsync(account, folder, messages.Select(m => new MessageToStore(m)).ToList(), cancellationToken)
            .ConfigureAwait(false);
    }

    public Task<IReadOnlySet<string>?> FindDeliveredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        store.FindStampedAsync(account, folder, ids, cancellationToken);
}
