using RemotePoll.Core.OAuth;

namespace RemotePoll.Cluster.OAuth;

/// <summary>
/// A provider with its client secret opened, for a token request made in this node process (the web's code exchange, a
/// poller's refresh). Never persisted, sent or shown; <see cref="ToString"/> hides the secret.
/// </summary>
public sealed record OAuthProviderAccess(OAuthProvider Provider, string? ClientSecret)
{
    public override string ToString() => $"OAuthProviderAccess {{ Provider = {Provider.Name}, ClientSecret = {(ClientSecret is null ? "none" : "(hidden)")} }}";
}
