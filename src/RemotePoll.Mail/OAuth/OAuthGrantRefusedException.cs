namespace RemotePoll.Mail.OAuth;

/// <summary>
/// The provider refused the grant itself (RFC 6749 <c>invalid_grant</c>, <c>access_denied</c>, <c>expired_token</c>,
/// or an unknown client): consent must be given again. Nothing is retried.
/// </summary>
public sealed class OAuthGrantRefusedException(string message) : Exception(message);
