using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using RemotePoll.Cluster.OAuth;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Records;
using RemotePoll.Mail.OAuth;
using RemotePoll.Web.Forms;
using RemotePoll.Web.OAuth;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages.OAuth;

/// <summary>
/// <c>/oauth/callback</c>, where the provider sends the browser back after the consent page (RFC 6749 4.1.2): the
/// <c>state</c> must be one this node handed out, unused, in time and started by this browser (else nothing is
/// asked or stored); then the code is exchanged with the PKCE verifier kept here, and the refresh token is stored on
/// the record through the admin API with the token of the user who clicked Connect, so the admin API's rules decide
/// again. Anonymous because the session cookie (SameSite=Strict) is not sent on the provider's redirect; the binding
/// cookie stands for the session. No token is shown or logged.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class CallbackModel(PendingConsents consents, OAuthProviderLookup providers, IOAuthConsent tokens, AdminGateway admin,
    ILogger<CallbackModel> log) : PageModel
{
    public string? Refusal { get; private set; }
    public string? ConnectedAs { get; private set; }
    public bool Connected { get; private set; }
    /// <summary>The record's page, once the consent is known.</summary>
    public string? RecordPage { get; private set; }
    public string? RecordName { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] string? state, [FromQuery] string? code, [FromQuery] string? error,
        CancellationToken ct)
    {
        var answer = consents.Take(state, Request.Cookies[PendingConsents.BindingCookie], out var consent);
        if (answer == ConsentAnswer.Taken && User.Identity?.IsAuthenticated == true && User.Token() != consent!.SessionToken)
            answer = ConsentAnswer.OtherSession; // the same browser, signed in since as someone else
        if (answer != ConsentAnswer.Taken)
        {
            log.LogWarning("OAuth2 callback refused: {Answer} state", answer);
            return Refuse(400, answer switch
            {
                ConsentAnswer.Expired => $"This consent was started more than {PendingConsents.Lifetime.TotalMinutes:0} minutes ago. Nothing was stored: click Connect again.",
                ConsentAnswer.OtherSession => "This consent was started in another browser session. Nothing was stored: click Connect on the record's page in this browser.",
                _ => "This answer from the provider does not belong to a consent under way on this node (forged, already used, or started on another node). Nothing was stored: click Connect on the record's page.",
            });
        }
        var c = consent!;
        RecordPage = AccountLinks.RemotePoll(c.Account);
        RecordName = $"{Word(c.Kind)} record {c.Name} of {c.Account}";
        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            log.LogInformation("OAuth2 consent for {Account} {Kind} {Name} not given: {Error}", c.Account, Word(c.Kind), c.Name, Short(error) ?? "no code");
            return Refuse(400, $"The provider did not give consent ({Short(error) ?? "no authorization code"}). Nothing was stored.");
        }
        var provider = await providers.FindAsync(c.Provider, ct);
        if (provider is null) return Refuse(409, $"The provider {c.Provider} is no longer registered. Nothing was stored.");
        OAuthTokens grant;
        try
        {
            grant = await tokens.ExchangeCodeAsync(provider.Provider, provider.ClientSecret, code, c.CodeVerifier, c.RedirectUri, ct);
        }
        catch (Exception ex) when (ex is OAuthGrantRefusedException or OAuthTokenException)
        {
            log.LogWarning("OAuth2 consent for {Account} {Kind} {Name}: the code exchange failed: {Reason}", c.Account, Word(c.Kind), c.Name, ex.Message);
            return Refuse(502, $"The provider did not exchange the authorization code: {ex.Message}. Nothing was stored: click Connect again.");
        }
        if (grant.RefreshToken is null)
            return Refuse(502, $"The provider {c.Provider} gave no refresh token, so the record could not poll for long. Nothing was stored. " +
                "Microsoft gives one with the offline_access scope; Google with offline access and a fresh consent (RemotePoll asks for both).");
        ConnectedAs = ProviderAccountName.FromIdToken(grant.IdToken, provider.Provider.ClientId);
        var reply = await admin.SendAsync(c.SessionToken,
            new StoreOAuthGrant(c.Account, c.Kind, c.Name, c.Provider, grant.RefreshToken, ConnectedAs, consents.Now), ct);
        if (!reply.Ok)
        {
            // The record was removed or changed to another provider meanwhile: nobody will hold this grant, so it is not left live.
            var revoked = await tokens.RevokeUnstoredAsync(provider.Provider, provider.ClientSecret, grant.RefreshToken, CancellationToken.None);
            log.LogWarning("OAuth2 consent for {Account} {Kind} {Name}: the grant was not stored: {Reason}; {Revoked}", c.Account, Word(c.Kind), c.Name,
                reply.Error, revoked);
            return Refuse(409, $"The grant was not stored: {reply.Error}. {char.ToUpperInvariant(revoked[0])}{revoked[1..]}.");
        }
        log.LogInformation("OAuth2 consent for {Account} {Kind} {Name} stored (provider {Provider}, connected as {ConnectedAs})",
            c.Account, Word(c.Kind), c.Name, c.Provider, ConnectedAs ?? "(not named)");
        Connected = true;
        return Page();
    }

    private PageResult Refuse(int status, string reason)
    {
        Refusal = reason;
        Response.StatusCode = status;
        return Page();
    }

    private static string Word(RecordKind kind) => kind == RecordKind.Rpop ? "RPOP" : "RIMAP";

    /// <summary>The provider's error code as shown: it comes from the query string, so it is cut short.</summary>
    private static string? Short(string? text) =>
        string.IsNullOrEmpty(text) ? null : new string(text.Take(64).Where(ch => !char.IsControl(ch)).ToArray());
}
