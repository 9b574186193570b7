namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Delivery through the local mail system, so that Server-Wide and Account-Level Rules apply (spec, RPOP
/// Mailbox field left empty). Implementations are safe to call concurrently.
/// </summary>
public interface IQueueDelivery
{
    /// <summary>
    /// Whether the target honours DSN parameters (NOTIFY, RET, ORCPT). Known after the first connection;
    /// false before it and for targets that never advertise DSN.
    /// </summary>
    bool AdvertisesDsn { get; }

    /// <summary>
    /// Delivers a batch and reports, per message and per recipient, what the local side acknowledged. A message
    /// counts as delivered only once the local side has made it durable. Failures of the local side (refused,
    /// timed out, broken) are reported as <see cref="DeliveryStatus.TemporaryFailure"/> outcomes, not thrown.
    /// </summary>
    /// <returns>One result per message, in batch order.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<IReadOnlyList<MessageDeliveryResult>> DeliverBatchAsync(IReadOnlyList<MessageToDeliver> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the local side would accept mail for <paramref name="address"/> (RCPT verification, used to
    /// sort the addresses of Unified Domain-Wide Accounts).
    /// </summary>
    /// <exception cref="DeliveryUnavailableException">The local side could not be asked.</exception>
    Task<bool> AcceptsRecipientAsync(string address, CancellationToken cancellationToken);
}
