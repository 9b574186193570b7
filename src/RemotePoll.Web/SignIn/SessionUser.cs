using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace RemotePoll.Web.SignIn;

/// <summary>
/// The signed-in browser user: the admin API token (kept only inside the encrypted, HttpOnly session cookie) and what
/// the admin API said about it (role, domain, account, expiry), used to lay out the pages; authorisation stays with the admin API.
/// </summary>
public static class SessionUser
{
    private const string TokenClaim = "rpoll:token";
    private const string DomainClaim = "rpoll:domain";
    private const string AccountClaim = "rpoll:account";
    private const string ExpiresClaim = "rpoll:expires";

    public static ClaimsPrincipal Principal(string token, string role, string? domain, string? account, DateTimeOffset expires)
    {
        var name = account ?? (domain is null ? "server administrator" : $"administrator of {domain}");
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role),
            new(TokenClaim, token),
            new(ExpiresClaim, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (domain is not null) claims.Add(new Claim(DomainClaim, domain));
        if (account is not null) claims.Add(new Claim(AccountClaim, account));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    public static string? Token(this ClaimsPrincipal user) => user.FindFirstValue(TokenClaim);
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";
    public static string? Domain(this ClaimsPrincipal user) => user.FindFirstValue(DomainClaim);
    public static string? Account(this ClaimsPrincipal user) => user.FindFirstValue(AccountClaim);
    public static bool IsAdministrator(this ClaimsPrincipal user) => user.Role() is "server" or "domain";
    public static bool IsServerAdministrator(this ClaimsPrincipal user) => user.Role() == "server";

    /// <summary>A session ends when its token expires, whatever the cookie's own lifetime.</summary>
    public static async Task RejectExpiredToken(CookieValidatePrincipalContext context)
    {
        var expires = context.Principal?.FindFirstValue(ExpiresClaim);
        if (expires is not null && long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && DateTimeOffset.FromUnixTimeSeconds(s) > DateTimeOffset.UtcNow) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
