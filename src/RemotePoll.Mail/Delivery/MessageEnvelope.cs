namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The SMTP envelope a message is delivered with. <see cref="Sender"/> null is the null reverse-path
/// (<c>MAIL FROM:&lt;&gt;</c>), as for a bounce.
/// </summary>
public sealed record MessageEnvelope(string? Sender, IReadOnlyList<EnvelopeRecipient> Recipients, DsnReturn Return = DsnReturn.Default);
