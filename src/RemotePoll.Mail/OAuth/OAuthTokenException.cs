namespace RemotePoll.Mail.OAuth;

/// <summary>A token request failed for a reason that may pass (network, timeout, a server error): the next poll tries again.</summary>
public sealed class OAuthTokenException(string message, Exception? inner = null) : Exception(message, inner);
