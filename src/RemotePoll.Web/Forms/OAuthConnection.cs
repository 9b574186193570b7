using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;

namespace RemotePoll.Web.Forms;

/// <summary>
/// An oauth2 record's sign-in as its page shows it: the provider, the state (not connected; connected as NAME since T;
/// AuthorizationExpired) and the Connect or Reconnect link.
/// </summary>
public sealed record OAuthConnection(string Provider, string State, bool Expired, string Action, string Link)
{
    public const string ExpiredKind = "AuthorizationExpired";

    /// <summary>
    /// Expired when the last attempt failed with AuthorizationExpired and no consent came after the last success (a
    /// Reconnect since shows as connected, while the Error field keeps the failure until the next poll).
    /// </summary>
    public static OAuthConnection? Of(string account, RecordKind kind, string name, OAuthSignInView? signIn, string? errorKind,
        DateTimeOffset? last, Func<DateTimeOffset?, string?> time)
    {
        if (signIn is null) return null;
        var expired = errorKind == ExpiredKind && !(signIn.ConnectedAt is { } at && (last is null || at > last));
        var state = expired ? $"{signIn.Provider}: {ExpiredKind}, the provider no longer accepts the consent: Reconnect"
            : !signIn.Connected ? $"{signIn.Provider}: not connected"
            : $"{signIn.Provider}: connected{(signIn.ConnectedAs is null ? "" : $" as {signIn.ConnectedAs}")}" +
              (signIn.ConnectedAt is null ? "" : $" since {time(signIn.ConnectedAt)}");
        return new OAuthConnection(signIn.Provider, state, expired, signIn.Connected || expired ? "Reconnect" : "Connect",
            ConnectLink(account, kind, name));
    }

    public static string ConnectLink(string account, RecordKind kind, string name) =>
        $"/oauth/connect?account={Uri.EscapeDataString(account)}&kind={(kind == RecordKind.Rpop ? "rpop" : "rimap")}&name={Uri.EscapeDataString(name)}";
}
