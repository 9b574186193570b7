using RemotePoll.Mail.OAuth;

namespace RemotePoll.Mail.Pop3;

/// <summary>The remote account name and password (or OAuth2 access token). Its text form never shows either.</summary>
public sealed class Pop3Credentials(string user, string password)
{
    /// <summary>Sign in with this access token (SASL XOAUTH2/OAUTHBEARER) and never with a password; null: a password login.</summary>
    public OAuth2Bearer? Bearer { get; private init; }

    /// <summary>Credentials that sign in with an OAuth2 access token; the token is redacted from the transcript like a password.</summary>
    public static Pop3Credentials ForBearer(string user, OAuth2Bearer bearer) =>
        new(user, bearer.AccessToken) { Bearer = bearer };

    public string User { get; } = user ?? throw new ArgumentNullException(nameof(user));

    public string Password { get; } = password ?? throw new ArgumentNullException(nameof(password));

    public override string ToString() => $"{User} (password hidden)";
}
