namespace RemotePoll.Core.OAuth;

/// <summary>
/// How a provider's records get their tokens: each user consents (authorization code or device flow, a refresh
/// token per record), or the application signs in as itself (client credentials, for tenants the ISP
/// administers: no per-user consent, the record's Account is the mailbox).
/// </summary>
public enum OAuthGrantType
{
    User,
    ClientCredentials,
}
