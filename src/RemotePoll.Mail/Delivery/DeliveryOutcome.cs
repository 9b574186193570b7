namespace RemotePoll.Mail.Delivery;

/// <summary>
/// The local side's answer for one recipient or one stored message. <see cref="Reason"/> quotes the server
/// reply or the local error, e.g. <c>550 5.1.1 &lt;nobody@example.com&gt; User doesn't exist</c>.
/// </summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string? Reason = null)
{
    public static readonly DeliveryOutcome Delivered = new(DeliveryStatus.Delivered);

    public static DeliveryOutcome Temporary(string reason) => new(DeliveryStatus.TemporaryFailure, reason);

    public static DeliveryOutcome Permanent(string reason) => new(DeliveryStatus.PermanentFailure, reason);

    public bool IsDelivered => Status == DeliveryStatus.Delivered;

    /// <summary>The RFC 3463 enhanced status code in <see cref="Reason"/> (<c>5.1.1</c>), when there is one.</summary>
    public string? EnhancedStatusCode => Delivery.EnhancedStatusCode.Find(Reason);

    public override string ToString() => Reason is null ? Status.ToString() : $"{Status}: {Reason}";
}
