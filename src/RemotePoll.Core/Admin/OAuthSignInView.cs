using System.Globalization;
using RemotePoll.Core.OAuth;

namespace RemotePoll.Core.Admin;

/// <summary>How a record signs in with OAuth2, for display: the provider, and who is connected since when; never the grant.</summary>
public sealed record OAuthSignInView(string Provider, bool Connected, string? ConnectedAs, DateTimeOffset? ConnectedAt)
{
    public static OAuthSignInView? Of(OAuthSignIn? signIn) =>
        signIn is null ? null : new(signIn.Provider, signIn.Connected, signIn.ConnectedAs, signIn.Connected ? signIn.ConnectedAt : null);

    /// <summary>"oauth2 (gmail), connected as joe@gmail.com since 2026-12-03 10:00:00" or "oauth2 (gmail), not connected".</summary>
    public string Describe() =>
        !Connected ? $"oauth2 ({Provider}), not connected"
        : $"oauth2 ({Provider}), connected{(ConnectedAs is null ? "" : $" as {ConnectedAs}")}" +
          (ConnectedAt is { } at ? $" since {at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}" : "");
}
