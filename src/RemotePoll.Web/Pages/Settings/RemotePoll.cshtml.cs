using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Validation;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages.Settings;

/// <summary>
/// Settings → Mail → Remote Poll (spec, module settings): every setting with its choices and one Update button. The
/// whole form is checked first (the same rules as <c>rpoll module set</c>); any bad field is shown beside it and nothing
/// is changed; otherwise each changed setting is sent to the admin API as <c>module set</c>.
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

    /// <summary>Field errors by setting key (log, processes, ...).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string? Refusal { get; private set; }
    [TempData] public string? Notice { get; set; }
    public bool CanChange => User.IsServerAdministrator();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var current = await CurrentAsync(ct);
        if (current is not null) Show(current);
        return Page();
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
        if (Errors.Count > 0) return Page();

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
                return Page();
            }
            changed++;
        }
        Notice = changed == 0 ? "Nothing changed." : $"Updated {changed} setting{(changed == 1 ? "" : "s")}.";
        return RedirectToPage();
    }

    public string? ErrorOf(string key) => Errors.TryGetValue(key, out var e) ? e : null;

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
