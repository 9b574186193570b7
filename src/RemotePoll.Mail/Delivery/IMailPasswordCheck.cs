namespace RemotePoll.Mail.Delivery;

/// <summary>
/// A local mail server that can tell whether an account's own mail password is right (the web sign-in of an account
/// user). Implemented by the stores that log in to such a server (<see cref="ImapMailboxStore"/>); the web asks for this
/// capability, never for a store type.
/// </summary>
public interface IMailPasswordCheck
{
    /// <summary>Whether the server accepts <paramref name="password"/> for <paramref name="account"/> itself.</summary>
    /// <exception cref="DeliveryUnavailableException">The server could not be reached or did not answer.</exception>
    Task<bool> CheckPasswordAsync(string account, string password, CancellationToken cancellationToken);
}
