using RemotePoll.Core.Records;

namespace RemotePoll.Web.OAuth;

/// <summary>
/// A Connect under way, kept on the node that started it until the provider sends the browser back (or it expires):
/// which record, through which provider, the PKCE code verifier (it never leaves the node), the redirect URI the code
/// is bound to, the signed-in user's token to store the grant with, and the hash of the browser's binding cookie.
/// <see cref="ToString"/> shows neither the verifier nor the token.
/// </summary>
public sealed record PendingConsent(
    string Account, RecordKind Kind, string Name, string Provider, string CodeVerifier, string RedirectUri,
    string SessionToken, byte[] BindingHash, DateTimeOffset Expires)
{
    public override string ToString() =>
        $"PendingConsent {{ Account = {Account}, Kind = {Kind}, Name = {Name}, Provider = {Provider}, Expires = {Expires:O} }}";
}
