namespace RemotePoll.Mail.Delivery;

/// <summary>The outcome of one message for one envelope recipient.</summary>
public sealed record RecipientOutcome(EnvelopeRecipient Recipient, DeliveryOutcome Outcome);
