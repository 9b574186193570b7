namespace RemotePoll.Mail.Delivery;

/// <summary>What the local side said about one recipient of one message, or one stored message.</summary>
public enum DeliveryStatus
{
    /// <summary>The local side acknowledged the message durably.</summary>
    Delivered,
    /// <summary>Not accepted now (4xx, local side unreachable, disk full…): keep the message and try again.</summary>
    TemporaryFailure,
    /// <summary>Refused for good (5xx: unknown user, message rejected…): trying again will not help.</summary>
    PermanentFailure,
}
