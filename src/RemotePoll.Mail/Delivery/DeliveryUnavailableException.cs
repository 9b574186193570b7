namespace RemotePoll.Mail.Delivery;

/// <summary>The local delivery target could not be reached or did not answer as the protocol requires.</summary>
public sealed class DeliveryUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
