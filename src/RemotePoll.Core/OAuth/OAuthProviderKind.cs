namespace RemotePoll.Core.OAuth;

/// <summary>Which OAuth2 provider: Google and Microsoft come with their published endpoints and mail scopes; Generic names its own.</summary>
public enum OAuthProviderKind
{
    Generic,
    Google,
    Microsoft,
}
