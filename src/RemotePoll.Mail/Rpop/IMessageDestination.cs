using RemotePoll.Mail.Delivery;

namespace RemotePoll.Mail.Rpop;

/// <summary>Where an RPOP record's messages go: the account's queue (rules apply) or a named mailbox.</summary>
public interface IMessageDestination
{
    /// <summary>
    /// Delivers a batch of raw messages durably; one outcome per message, in order. A message counts as delivered
    /// only when the local side acknowledged it.
    /// </summary>
    /// <exception cref="DeliveryUnavailableException">The local side cannot be reached at all.</exception>
    Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Which of the delivery ids (<see cref="DeliveryStamp"/>) already arrived at the local side; null when this
    /// destination cannot tell (the message is then delivered again: at least once).
    /// </summary>
    /// <exception cref="DeliveryUnavailableException">The local side cannot be reached at all.</exception>
    Task<IReadOnlySet<string>?> FindDeliveredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>?>(null);
}
