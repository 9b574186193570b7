using System.Net;

namespace RemotePoll.Mail.Pop3;

/// <summary>
/// Credentials that MailKit's <c>Pop3Client.AuthenticateAsync(Encoding, ICredentials)</c> can use for one
/// login method only. MailKit asks for "APOP", then each SASL mechanism, then "DEFAULT" (USER/PASS) and
/// silently falls through to the next when one fails; answering null for every other method stops it
/// from trying the password a second way (clear text after a failed APOP) behind the operator's back.
/// </summary>
internal sealed class SingleMethodCredentials(string method, NetworkCredential credential) : ICredentials
{
    public const string Apop = "APOP";
    public const string UserPass = "DEFAULT";

    public NetworkCredential? GetCredential(Uri uri, string authType) =>
        string.Equals(authType, method, StringComparison.OrdinalIgnoreCase) ? credential : null;
}
