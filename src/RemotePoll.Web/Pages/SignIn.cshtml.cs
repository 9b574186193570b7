using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Validation;
using RemotePoll.Mail.Delivery;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages;

/// <summary>
/// Sign-in with a token (from <c>rpoll token issue</c>), checked by the admin API itself (WhoAmI); or, where the node has a
/// local IMAP server, with an account's own mail address and password. The session is an HttpOnly, SameSite=Strict
/// cookie (Secure under HTTPS) holding the token, encrypted with the node's data-protection keys.
/// </summary>
public sealed class SignInModel(AdminGateway admin, MailPasswordSignIn mail, WebSettings settings, ILogger<SignInModel> log) : PageModel
{
    [BindProperty] public string? Token { get; set; }
    [BindProperty] public string? Account { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? TokenError { get; private set; }
    public string? PasswordError { get; private set; }
    public bool MailSignIn => mail.Available;

    public void OnGet() { }

    public async Task<IActionResult> OnPostTokenAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Token)) { TokenError = "Enter a token."; return Page(); }
        return await SignInAsync(Token.Trim(), e => TokenError = e, ct);
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (!mail.Available) { PasswordError = "This node has no local IMAP server to check mail passwords: sign in with a token."; return Page(); }
        if (string.IsNullOrWhiteSpace(Account) || string.IsNullOrEmpty(Password)) { PasswordError = "Enter your mail address and password."; return Page(); }
        string? token;
        try { token = await mail.SignInAsync(Account, Password, ct); }
        catch (ValidationException ex) { PasswordError = ex.Message; return Page(); }
        catch (DeliveryUnavailableException ex)
        {
            log.LogWarning("web sign-in of {Account}: the local IMAP server did not answer: {Reason}", Account, ex.Message);
            PasswordError = "The mail server could not check the password now; try again later.";
            return Page();
        }
        if (token is null)
        {
            log.LogInformation("web sign-in of {Account} refused: wrong mail password", Account);
            PasswordError = "The mail address or the password is wrong.";
            return Page();
        }
        return await SignInAsync(token, e => PasswordError = e, ct);
    }

    private async Task<IActionResult> SignInAsync(string token, Action<string> error, CancellationToken ct)
    {
        var reply = await admin.SendAsync(token, new WhoAmI(), ct);
        if (reply is not { Ok: true, Result: CallerView who })
        {
            error($"Not signed in: {reply.Error}");
            return Page();
        }
        var principal = SessionUser.Principal(token, who.Role, who.Domain, who.Account, who.Expires);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = DateTimeOffset.UtcNow + settings.Session < who.Expires ? null : who.Expires,
        });
        log.LogInformation("web sign-in: {Caller} (token {Id})", principal.Identity!.Name, who.TokenId);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
