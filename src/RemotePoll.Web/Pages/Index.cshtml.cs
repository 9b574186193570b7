using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Validation;
using RemotePoll.Web.Forms;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages;

/// <summary>The start page: an account user goes to their own Remote Poll page; an administrator picks an account.</summary>
public sealed class IndexModel : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Address { get; set; }
    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        if (!User.IsAdministrator() && User.Account() is { } own) return Redirect(AccountLinks.RemotePoll(own));
        if (string.IsNullOrWhiteSpace(Address)) return Page();
        try { return Redirect(AccountLinks.RemotePoll(AccountAddress.Normalize(Address))); }
        catch (ValidationException ex) { Error = ex.Message; return Page(); }
    }
}
