namespace RemotePoll.Mail.Delivery;

/// <summary>
/// What became of one message of a batch: one outcome per envelope recipient, in envelope order.
/// </summary>
public sealed record MessageDeliveryResult(MessageToDeliver Message, IReadOnlyList<RecipientOutcome> Recipients)
{
    /// <summary>Every recipient was acknowledged durably.</summary>
    public bool AllDelivered => Recipients.All(r => r.Outcome.IsDelivered);

    /// <summary>
    /// At least one recipient failed temporarily: the message must stay on the remote server and be tried again
    /// (the rule that loses nothing).
    /// </summary>
    public bool HasTemporaryFailure => Recipients.Any(r => r.Outcome.Status == DeliveryStatus.TemporaryFailure);

    internal static MessageDeliveryResult AllWith(MessageToDeliver message, DeliveryOutcome outcome) =>
        new(message, message.Envelope.Recipients.Select(r => new RecipientOutcome(r, outcome)).ToArray());
}
