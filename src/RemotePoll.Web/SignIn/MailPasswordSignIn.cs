using RemotePoll.Core.Accounts;
using RemotePoll.Core.Security;
using RemotePoll.Mail.Delivery;

namespace RemotePoll.Web.SignIn;

/// <summary>
/// Sign-in of an account user with their own mail password, where the node has a local IMAP server (<c>--store
/// imap://</c>): the password is checked by logging in to that server as the account, and on success the node issues a
/// short-lived user token with the cluster secret. Without a local IMAP server only tokens sign in.
/// </summary>
public sealed class MailPasswordSignIn(IMailPasswordCheck? store, TokenSigner signer, TimeSpan lifetime)
{
    public bool Available => store is not null;

    /// <summary>A user token when the server accepts the password; null when it refuses it.</summary>
    /// <exception cref="DeliveryUnavailableException">The local IMAP server did not answer.</exception>
    public async Task<string?> SignInAsync(string account, string password, CancellationToken cancellationToken)
    {
        if (store is null) return null;
        var address = AccountAddress.Normalize(account);
        if (!await store.CheckPasswordAsync(address, password, cancellationToken)) return null;
        return signer.Issue(Caller.Create(CallerRole.User, null, address), DateTimeOffset.UtcNow, lifetime);
    }
}
