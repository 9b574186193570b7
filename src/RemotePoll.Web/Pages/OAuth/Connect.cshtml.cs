using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Records;
using RemotePoll.Mail.OAuth;
using RemotePoll.Web.Forms;
using RemotePoll.Web.OAuth;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages.OAuth;

/// <summary>
/// Connect (or Reconnect) of an oauth2 record: the authorization-code flow with PKCE S256 (RFC 7636). The record is
/// read through the admin API with the signed-in user's token, so only its account user or an administrator with
/// rights over its domain gets further; then a random <c>state</c> is kept here with the code verifier, and the
/// browser goes to the provider's consent page. A link, not a form: the pages' CSP (<c>form-action 'self'</c>) stops
/// a form's redirect to another site, and the SameSite=Strict session cookie keeps other sites from starting it.
/// </summary>
public sealed class ConnectModel(AdminGateway admin, OAuthProviderLookup providers, PendingConsents consents, WebSettings settings,
    IOAuthConsent oauth, ILogger<ConnectModel> log) : PageModel
{
    public string? Refusal { get; private set; }
    public string? RecordPage { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] string? account, [FromQuery] string? kind, [FromQuery] string? name,
        CancellationToken ct)
    {
        var recordKind = kind?.Trim().ToLowerInvariant() switch { "rpop" => RecordKind.Rpop, "rimap" => RecordKind.Rimap, _ => (RecordKind?)null };
        if (recordKind is null || string.IsNullOrWhiteSpace(account) || string.IsNullOrWhiteSpace(name))
            return Refuse(400, "kind: give rpop or rimap, with the account and the record's name");
        var reply = await admin.SendAsync(User.Token(), new GetAccount(account.Trim()), ct);
        if (reply is not { Ok: true, Result: AccountView view }) return Refuse(403, reply.Error ?? "the account could not be read");
        RecordPage = AccountLinks.RemotePoll(view.Address);
        if (Record(view, recordKind.Value, name.Trim()) is not { } record)
            return Refuse(404, $"there is no {Word(recordKind.Value)} record '{name.Trim()}'");
        var (recordName, authName, found) = record;
        if (found is not { } signIn) return Refuse(400, $"the {Word(recordKind.Value)} record {recordName} does not sign in with OAuth2");
        if (!User.IsAdministrator() && !view.CanModifyRpop)
            return Refuse(403, $"the account {view.Address} may not modify its records (CanModifyRPOP is off): ask your administrator to connect it");
        var access = await providers.FindAsync(signIn.Provider, ct);
        if (access is null) return Refuse(409, $"the record's OAuth2 provider {signIn.Provider} is not registered");
        var provider = access.Provider;
        if (provider.Grant == OAuthGrantType.ClientCredentials)
            return Refuse(400, $"the provider {provider.Name} signs in as the application (client credentials): its records need no consent");
        if (string.IsNullOrEmpty(provider.AuthorizationEndpoint))
            return Refuse(400, $"the provider {provider.Name} has no authorization endpoint: connect with 'rpoll {Word(recordKind.Value).ToLowerInvariant()} authorize {view.Address} {recordName}'");

        var binding = Request.Cookies[PendingConsents.BindingCookie] is { } cookie && PendingConsents.IsBinding(cookie) ? cookie : PendingConsents.NewBinding();
        var (verifier, challenge) = oauth.NewPkce();
        var redirect = settings.OAuthCallbackUrl(Request.Scheme, Request.Host.Value ?? "");
        var state = consents.Add(new PendingConsent(view.Address, recordKind.Value, recordName, provider.Name, verifier, redirect,
            User.Token()!, PendingConsents.Hash(binding), consents.Now + PendingConsents.Lifetime));
        if (state is null) return Refuse(503, "too many consents are under way on this node; try again in a few minutes");
        Response.Cookies.Append(PendingConsents.BindingCookie, binding, new CookieOptions
        {
            // Lax, not Strict: it must come back with the provider's redirect (a top-level GET from another site).
            HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = settings.Https || Request.IsHttps, Path = "/oauth", IsEssential = true,
        });
        log.LogInformation("OAuth2 consent for {Account} {Kind} {Name} started by {User} (provider {Provider})",
            view.Address, Word(recordKind.Value), recordName, User.Identity?.Name, provider.Name);
        var loginHint = string.IsNullOrWhiteSpace(authName) ? null : authName;
        return Redirect(oauth.AuthorizeUrl(provider with { Scopes = ProviderAccountName.Scopes(provider) }, redirect, state, challenge, loginHint));
    }

    private PageResult Refuse(int status, string reason)
    {
        log.LogInformation("OAuth2 connect refused to {User}: {Reason}", User.Identity?.Name, reason);
        Refusal = reason;
        Response.StatusCode = status;
        return Page();
    }

    private static (string Name, string AuthName, OAuthSignInView? SignIn)? Record(AccountView view, RecordKind kind, string name)
    {
        var found = kind == RecordKind.Rpop
            ? view.Rpop.Where(r => AccountState.NameComparer.Equals(r.Name, name)).Select(r => (r.Name, r.AuthName, r.OAuth)).ToList()
            : view.Rimap.Where(r => AccountState.NameComparer.Equals(r.Name, name)).Select(r => (r.Name, r.AuthName, r.OAuth)).ToList();
        return found is [var one] ? one : null;
    }

    private static string Word(RecordKind kind) => kind == RecordKind.Rpop ? "RPOP" : "RIMAP";
}
