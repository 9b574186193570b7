using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;
using RemotePoll.Web.Forms;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages.Settings;

/// <summary>
/// Settings → Mail → Remote Poll (spec, module settings): every setting with its choices and one Update button. The
/// whole form is checked first (the same rules as <c>rpoll module set</c>); any bad field is shown beside it and nothing
/// is changed; otherwise each changed setting is sent to the admin API as <c>module set</c>. Server administrators also
/// see the OAuth2 providers (issue 17 part 1): listed without their client secrets, added or changed through the same
/// <c>oauth provider set</c> the CLI sends, removed through <c>oauth provider remove</c>.
/// </summary>
public sealed class RemotePollModel(AdminGateway admin) : PageModel
{
    [BindProperty] public string Log { get; set; } = "";
    [BindProperty] public string Processes { get; set; } = "";
    [BindProperty] public bool UseApop { get; set; }
    [BindProperty] public string SourceIp { get; set; } = "";
    [BindProperty] public bool UseDomainIps { get; set; }
    [BindProperty] public string DelayFailedHosts { get; set; } = "";
    [BindProperty] public string DelayFailedAccount { get; set; } = "";
    [BindProperty] public bool AllowSelfPoll { get; set; }
    [BindProperty] public OAuthProviderForm Provider { get; set; } = new();

    /// <summary>The registered OAuth2 providers; empty for anyone but a server administrator.</summary>
    public IReadOnlyList<OAuthProviderView> Providers { get; private set; } = [];
    /// <summary>The provider being changed (the form is filled in with it), or null for a new one.</summary>
    public string? Changing { get; private set; }
    /// <summary>Field errors of the provider form, by <see cref="Core.OAuth.OAuthProviderChange"/> field (Name, ClientId, ...).</summary>
    public Dictionary<string, string> ProviderErrors { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string? ProviderRefusal { get; private set; }

    /// <summary>Field errors by setting key (log, processes, ...).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string? Refusal { get; private set; }
    [TempData] public string? Notice { get; set; }
    public bool CanChange => User.IsServerAdministrator();

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "provider")] string? provider, CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        if (current is not null) Show(current);
        await ProvidersAsync(ct);
        if (provider is not null && Providers.FirstOrDefault(p => p.Name.Equals(provider.Trim(), StringComparison.OrdinalIgnoreCase)) is { } shown)
        {
            Provider = OAuthProviderForm.Of(shown);
            Changing = shown.Name;
        }
        return Page();
    }

    /// <summary>Add or change a provider: refused beside its fields with what was typed (never the secret), nothing changed.</summary>
    public async Task<IActionResult> OnPostProviderAsync(CancellationToken ct)
    {
        if (!CanChange) return StatusCode(StatusCodes.Status403Forbidden);
        var reply = await admin.SendAsync(User.Token(), new OAuthProviderSet(Provider.ToChange()), ct);
        if (reply.Ok)
        {
            Notice = $"OAuth2 provider {Provider.Name?.Trim()} saved.";
            return RedirectToPage();
        }
        foreach (var e in reply.FieldErrors ?? []) ProviderErrors[e.Field] = ProviderErrors.TryGetValue(e.Field, out var had) ? $"{had}; {e.Reason}" : e.Reason;
        if (ProviderErrors.Count == 0) ProviderRefusal = reply.Error;
        Provider.ClientSecret = null;
        return await RedisplayAsync(ct);
    }

    /// <summary>Remove a provider: the admin API refuses while records sign in through it, naming them (as the CLI shows).</summary>
    public async Task<IActionResult> OnPostRemoveProviderAsync([FromForm] string? name, CancellationToken ct)
    {
        if (!CanChange) return StatusCode(StatusCodes.Status403Forbidden);
        var reply = await admin.SendAsync(User.Token(), new OAuthProviderRemove(name ?? ""), ct);
        if (reply.Ok)
        {
            Notice = $"OAuth2 provider {name?.Trim()} removed.";
            return RedirectToPage();
        }
        ProviderRefusal = reply.FieldErrors is { Count: > 0 } fe ? string.Join("; ", fe.Select(e => e.Reason)) : reply.Error;
        Provider = new OAuthProviderForm();
        return await RedisplayAsync(ct);
    }

    private async Task<IActionResult> RedisplayAsync(CancellationToken ct)
    {
        ModelState.Clear(); // the module settings below are shown as stored, not as the provider form's post bound them
        var current = await CurrentAsync(ct);
        if (current is not null) Show(current);
        await ProvidersAsync(ct);
        Changing = Providers.FirstOrDefault(p => p.Name.Equals(Provider.Name?.Trim(), StringComparison.OrdinalIgnoreCase))?.Name;
        return Page();
    }

    /// <summary>The registered providers, for a server administrator only (the admin API refuses the list to anyone else).</summary>
    private async Task ProvidersAsync(CancellationToken ct)
    {
        if (!CanChange) return;
        var reply = await admin.SendAsync(User.Token(), new OAuthProviderList(), ct);
        if (reply is { Ok: true, Result: OAuthProvidersView view }) Providers = view.Providers;
        else ProviderRefusal ??= reply.Error ?? "the OAuth2 providers could not be read";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        if (current is null) return Page();
        var wanted = Submitted();
        var next = current;
        foreach (var (key, value) in wanted)
        {
            try { next = next.With(key, value); }
            catch (ValidationException ex) { Errors[key] = string.Join("; ", ex.Errors.Select(e => e.Reason)); }
        }
        if (Errors.Count > 0) { await ProvidersAsync(ct); return Page(); }

        var before = current.ToPairs().ToDictionary(p => p.Key, p => p.Value);
        var after = next.ToPairs();
        var changed = 0;
        foreach (var (key, value) in after.Where(p => before[p.Key] != p.Value))
        {
            var reply = await admin.SendAsync(User.Token(), new ModuleSet(key, value), ct);
            if (!reply.Ok)
            {
                if (reply.FieldErrors is { Count: > 0 } fe) Errors[key] = string.Join("; ", fe.Select(e => e.Reason));
                else Refusal = reply.Error;
                await ProvidersAsync(ct);
                return Page();
            }
            changed++;
        }
        Notice = changed == 0 ? "Nothing changed." : $"Updated {changed} setting{(changed == 1 ? "" : "s")}.";
        return RedirectToPage();
    }

    public string? ErrorOf(string key) => Errors.TryGetValue(key, out var e) ? e : null;

    public string? ProviderErrorOf(string field) => ProviderErrors.TryGetValue(field, out var e) ? e : null;

    private async Task<ModuleSettings?> CurrentAsync(CancellationToken ct)
    {
        var reply = await admin.SendAsync(User.Token(), new ModuleShow(), ct);
        if (reply is { Ok: true, Result: ModuleSettingsView view }) return view.Settings;
        Refusal = reply.Error ?? "the module settings could not be read";
        return null;
    }

    private void Show(ModuleSettings s)
    {
        var p = s.ToPairs().ToDictionary(x => x.Key, x => x.Value);
        Log = p["log"];
        Processes = p["processes"];
        UseApop = s.UseApop;
        SourceIp = p["source-ip"];
        UseDomainIps = s.UseDomainIps;
        DelayFailedHosts = p["delay-failed-hosts"];
        DelayFailedAccount = p["delay-failed-account"];
        AllowSelfPoll = s.AllowSelfPoll;
    }

    private IEnumerable<(string Key, string Value)> Submitted() =>
    [
        ("log", Log ?? ""),
        ("processes", Processes ?? ""),
        ("use-apop", UseApop ? "yes" : "no"),
        ("source-ip", string.IsNullOrWhiteSpace(SourceIp) ? "auto" : SourceIp),
        ("use-domain-ips", UseDomainIps ? "yes" : "no"),
        ("delay-failed-hosts", DelayFailedHosts ?? ""),
        ("delay-failed-account", DelayFailedAccount ?? ""),
        ("allow-self-poll", AllowSelfPoll ? "yes" : "no"),
    ];
}
