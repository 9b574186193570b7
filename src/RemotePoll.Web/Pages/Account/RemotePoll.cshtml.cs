using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RemotePoll.Core.Accounts;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Admin;
using RemotePoll.Core.Records;
using RemotePoll.Web.Forms;
using RemotePoll.Web.SignIn;

namespace RemotePoll.Web.Pages.Account;

/// <summary>
/// Account Settings → Mail → Remote Poll (spec): the RPOP table with an empty last row, and the RIMAP record forms with an
/// empty last form. Update sends the whole set (as SETACCOUNTRPOPS / SETACCOUNTRIMAPS); Poll Every = Never removes a
/// record; Try Now places an out-of-schedule order. Every action is an admin API request with the signed-in user's
/// token, so the admin API alone decides who may do what (CanModifyRPOP for account users).
/// </summary>
public sealed class RemotePollModel(AdminGateway admin) : PageModel
{
    [FromRoute] public string Address { get; set; } = "";
    [BindProperty] public List<RpopRow> Rpop { get; set; } = [];
    [BindProperty] public List<RimapRow> Rimap { get; set; } = [];

    public AccountView? View { get; private set; }
    public bool ShowSpecial { get; private set; }
    public string? Refusal { get; private set; }
    public List<string> RpopErrors { get; } = [];
    public List<string> RimapErrors { get; } = [];
    [TempData] public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        Rpop = RpopRows(View!);
        Rimap = RimapRows(View!);
        return Page();
    }

    public Task<IActionResult> OnPostRpopAsync(CancellationToken ct) =>
        UpdateAsync(Rpop, "RPOP", RpopErrors, (row, name) => new RpopRecordChange(name)
            {
                Every = row.Every,
                AuthName = row.AuthName?.Trim() ?? "",
                Host = row.Host?.Trim() ?? "",
                Password = string.IsNullOrEmpty(row.Password) ? null : row.Password,
                Leave = row.Leave,
                Apop = row.Apop,
                Tls = row.Tls == "yes",
                StartTls = row.Tls == "starttls",
                Mailbox = row.Mailbox?.Trim() ?? "",
                Special = row.Special?.Trim() ?? "",
            },
            changes => new ReplaceRpopRecords(Address, changes),
            view => { Rpop = WithStatus(Rpop, RpopRows(view)); Rimap = RimapRows(view); }, ct);

    public Task<IActionResult> OnPostRimapAsync(CancellationToken ct) =>
        UpdateAsync(Rimap, "RIMAP", RimapErrors, (row, name) => new RimapRecordChange(name)
            {
                Every = row.Every,
                AuthName = row.AuthName?.Trim() ?? "",
                Host = row.Host?.Trim() ?? "",
                Password = string.IsNullOrEmpty(row.Password) ? null : row.Password,
                Security = row.Security,
                AuthMethod = row.AuthMethod,
                ListFilter = row.Filter?.Trim() ?? "",
                Push = row.Push,
                SyncFlags = row.SyncFlags,
            },
            changes => new ReplaceRimapRecords(Address, changes),
            view => { Rpop = RpopRows(view); Rimap = WithStatus(Rimap, RimapRows(view)); }, ct);

    /// <summary>The account's CanModifyRPOP (administrators only; the admin API refuses it to account users).</summary>
    public async Task<IActionResult> OnPostSettingsAsync([FromForm] bool canModifyRpop, CancellationToken ct)
    {
        var reply = await admin.SendAsync(User.Token(), new SetAccountSettings(Address, canModifyRpop), ct);
        if (!reply.Ok) return await RefusedAsync(reply, ct);
        Notice = canModifyRpop ? "The account user may now change these records." : "The account user may no longer change these records.";
        return RedirectToPage();
    }

    /// <summary>Try Now (spec, RIMAP): an out-of-schedule poll order; the button is hidden while the order is active.</summary>
    public async Task<IActionResult> OnPostTryNowAsync([FromForm] string name, CancellationToken ct)
    {
        var reply = await admin.SendAsync(User.Token(), new PollRecord(Address, RecordKind.Rimap, name, Wait: false), ct);
        if (!reply.Ok) return await RefusedAsync(reply, ct);
        Notice = $"A poll of {name} was ordered.";
        return RedirectToPage();
    }

    /// <summary>
    /// Update of one record set: the rows with a name become the whole new set (Never rows remove theirs); a refusal is
    /// shown beside its fields with what was typed (never the passwords), and nothing is changed.
    /// </summary>
    private async Task<IActionResult> UpdateAsync<TRow, TChange>(List<TRow> submitted, string kind, List<string> sectionErrors,
        Func<TRow, string, TChange> change, Func<List<TChange>, IAdminCommand> command, Action<AccountView> showRefused,
        CancellationToken ct) where TRow : RecordRow
    {
        if (!await LoadAsync(ct)) return Page();
        var changes = new List<TChange>();
        foreach (var row in submitted)
        {
            var name = row.Name?.Trim();
            if (string.IsNullOrEmpty(name)) continue;
            if (!row.Existing && IsNever(row.Every)) { row.Errors.Add("Poll Every", "select a polling period to create the record"); continue; }
            changes.Add(change(row, name));
        }
        if (!submitted.Any(r => r.Errors.Any))
        {
            var reply = await admin.SendAsync(User.Token(), command(changes), ct);
            if (reply.Ok)
            {
                Notice = $"The {kind} records were updated.";
                return RedirectToPage();
            }
            Distribute(reply, submitted, sectionErrors);
        }
        showRefused(View!);
        return Page();
    }

    private async Task<IActionResult> RefusedAsync(AdminReply reply, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        Rpop = RpopRows(View!);
        Rimap = RimapRows(View!);
        Refusal = reply.Error;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var reply = await admin.SendAsync(User.Token(), new GetAccount(Address), ct);
        if (reply is not { Ok: true, Result: AccountView view })
        {
            Refusal = reply.Error ?? "the account could not be read";
            return false;
        }
        View = view;
        ShowSpecial = await IsMainPostmasterAsync(view.Address, ct) || view.Rpop.Any(r => r.Special is not null);
        return true;
    }

    /// <summary>Special is on the RPOP page of postmaster in the main domain (spec, Unified Domain-Wide Accounts).</summary>
    private async Task<bool> IsMainPostmasterAsync(string account, CancellationToken ct)
    {
        var at = account.LastIndexOf('@');
        if (at < 0 || !account[..at].Equals("postmaster", StringComparison.OrdinalIgnoreCase) || !User.IsAdministrator()) return false;
        var reply = await admin.SendAsync(User.Token(), new DomainShow(account[(at + 1)..]), ct);
        return reply.Result is DomainsView { Domains: [{ IsMain: true }] };
    }

    /// <summary>
    /// Puts each refusal beside its field: the admin API names a field of a record as "NAME: Field" when a whole set
    /// was sent, or just "Field"; what fits no row goes to the section's list.
    /// </summary>
    private static void Distribute(AdminReply reply, IEnumerable<RecordRow> rows, List<string> section)
    {
        var byName = rows.Where(r => !string.IsNullOrWhiteSpace(r.Name))
            .GroupBy(r => r.Name!.Trim(), AccountState.NameComparer).ToDictionary(g => g.Key, g => g.First().Errors, AccountState.NameComparer);
        if (reply.FieldErrors is not { Count: > 0 } errors) { section.Add(reply.Error ?? "refused"); return; }
        foreach (var e in errors)
        {
            var sep = e.Field.IndexOf(": ", StringComparison.Ordinal);
            if (sep > 0 && byName.TryGetValue(e.Field[..sep], out var rowErrors)) rowErrors.Add(e.Field[(sep + 2)..], e.Reason);
            else section.Add(e.ToString());
        }
    }

    private static bool IsNever(string? every) => string.Equals(every?.Trim(), "Never", StringComparison.OrdinalIgnoreCase);

    /// <summary>The submitted rows (passwords dropped: they are never sent back) with Last and order from the stored ones.</summary>
    private static List<TRow> WithStatus<TRow>(List<TRow> submitted, List<TRow> stored) where TRow : RecordRow, new()
    {
        foreach (var row in submitted)
        {
            row.Password = null;
            if (row.Existing && stored.FirstOrDefault(s => AccountState.NameComparer.Equals(s.Name, row.Name)) is { } s) row.ShowStatusOf(s);
        }
        if (submitted.All(r => r.Existing)) submitted.Add(new TRow());
        return submitted;
    }

    private static List<RpopRow> RpopRows(AccountView view) =>
    [
        .. view.Rpop.Select(r => new RpopRow
        {
            Name = r.Name, Existing = true, Every = r.Every, AuthName = r.AuthName, Host = r.Host,
            Leave = r.Leave, Apop = r.Apop, Tls = r.Tls ? "yes" : r.StartTls ? "starttls" : "no", Mailbox = r.Mailbox, Special = r.Special,
            Last = Time(r.Last),
            Error = r.Error is null ? null : $"{r.ErrorKind}: {r.Error}",
            OAuth = OAuthConnection.Of(view.Address, RecordKind.Rpop, r.Name, r.OAuth, r.ErrorKind, r.Last, Time),
        }),
        new RpopRow(),
    ];

    private static List<RimapRow> RimapRows(AccountView view) =>
    [
        .. view.Rimap.Select(r => new RimapRow
        {
            Name = r.Name, Existing = true, Every = r.Every, AuthName = r.AuthName, Host = r.Host,
            Security = r.Security, AuthMethod = r.AuthMethod, Filter = r.Filter, Push = r.Push, SyncFlags = r.SyncFlags,
            Error = r.Error is null ? null : $"{r.ErrorKind}: {r.Error}",
            Last = Time(r.Last),
            Order = r.ExtOrder is { } o ? Time(o) : null,
            OAuth = OAuthConnection.Of(view.Address, RecordKind.Rimap, r.Name, r.OAuth, r.ErrorKind, r.Last, Time),
        }),
        new RimapRow(),
    ];

    /// <summary>Server local time, as the spec's Last field.</summary>
    private static string? Time(DateTimeOffset? t) => t?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
