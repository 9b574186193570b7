using System.Collections.Immutable;
using RemotePoll.Core.Accounts.Commands;
using RemotePoll.Core.Accounts.Events;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Security;
using RemotePoll.Core.Ledgers;
using RemotePoll.Core.Mirrors;
using RemotePoll.Core.OAuth;
using RemotePoll.Core.Settings;
using RemotePoll.Core.Unified;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Accounts;

/// <summary>
/// One local account as Remote Poll sees it: its settings, its RPOP and RIMAP records (names are unique per kind,
/// compared without case) and each record's status. Immutable: <see cref="Process"/> decides, <see cref="Apply"/> changes.
/// </summary>
public sealed record AccountState(
    string Address,
    AccountSettings Settings,
    ImmutableSortedDictionary<string, RpopRecord> Rpop,
    ImmutableSortedDictionary<string, RimapRecord> Rimap,
    ImmutableDictionary<string, RecordStatus> Status)
{
    /// <summary>The UID ledger of each RPOP record, by record name.</summary>
    public ImmutableDictionary<string, UidLedger> Ledgers { get; init; } = ImmutableDictionary.Create<string, UidLedger>(NameComparer);

    /// <summary>The duplicate and progress ledger of each RPOP record of a Unified Domain-Wide Account, by record name.</summary>
    public ImmutableDictionary<string, UnifiedLedger> UnifiedLedgers { get; init; } = ImmutableDictionary.Create<string, UnifiedLedger>(NameComparer);

    public static readonly StringComparer NameComparer = StringComparer.OrdinalIgnoreCase;
    public const int MaxRecordsPerKind = 100;

    public static AccountState Empty(string address) => new(
        address,
        AccountSettings.Default,
        ImmutableSortedDictionary.Create<string, RpopRecord>(NameComparer),
        ImmutableSortedDictionary.Create<string, RimapRecord>(NameComparer),
        ImmutableDictionary.Create<string, RecordStatus>(NameComparer));

    public bool HasRecords => !Rpop.IsEmpty || !Rimap.IsEmpty;

    /// <summary>How far each remote folder of each RIMAP record is mirrored, by record name then remote folder name.</summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, FolderMark>> Marks { get; init; } =
        ImmutableDictionary.Create<string, ImmutableDictionary<string, FolderMark>>(NameComparer);

    public ImmutableDictionary<string, FolderMark> MarksOf(string rimapName) =>
        Marks.TryGetValue(rimapName, out var m) ? m : ImmutableDictionary.Create<string, FolderMark>(StringComparer.Ordinal);

    public UidLedger LedgerOf(string rpopName) => Ledgers.TryGetValue(rpopName, out var l) ? l : UidLedger.Empty;

    public UnifiedLedger UnifiedLedgerOf(string rpopName) => UnifiedLedgers.TryGetValue(rpopName, out var l) ? l : UnifiedLedger.Empty;

    public RecordStatus StatusOf(RecordKind kind, string name) =>
        Status.TryGetValue(StatusKey(kind, name), out var s) ? s : RecordStatus.Never;

    /// <summary>
    /// The events that <paramref name="command"/> causes; empty when it changes nothing (a query, or a no-op).
    /// Throws <see cref="ValidationException"/> naming every bad field; the state is then unchanged.
    /// </summary>
    public IReadOnlyList<IAccountEvent> Process(IAccountCommand command, AccountContext ctx)
    {
        if (ctx.ByAccountUser && UserRefusal(command) is { } refusal) throw new PermissionDeniedException(refusal);
        return Decide(command, ctx);
    }

    /// <summary>
    /// An account user reads their records; changing them (Poll Every, Try Now included) needs CanModifyRPOP (spec, RPOP and
    /// RIMAP Components); account settings and UID imports are for administrators.
    /// </summary>
    private string? UserRefusal(IAccountCommand command) => command switch
    {
        GetAccount => null,
        SetAccountSettings or ImportUids => "an account user may not change account settings or import UIDs",
        _ when !Settings.CanModifyRpop => $"the account {Address} may not modify its records (CanModifyRPOP is off)",
        _ => null,
    };

    private IReadOnlyList<IAccountEvent> Decide(IAccountCommand command, AccountContext ctx) => command switch
    {
        SetRpopRecord c => SaveRpop(c.Change, ctx),
        SetRimapRecord c => SaveRimap(c.Change, ctx),
        RemoveRecord c => Has(c.Kind, c.Name)
            ? [new RecordRemoved(c.Kind, CanonicalName(c.Kind, c.Name))]
            : throw new ValidationException("Name", $"there is no {KindWord(c.Kind)} record '{c.Name}'"),
        ReplaceRpopRecords c => Replace(RecordKind.Rpop, c.Records.Select(r => r.Name), ctx,
            (state, i) => state.SaveRpop(c.Records[i] with { Replace = true }, ctx)),
        ReplaceRimapRecords c => Replace(RecordKind.Rimap, c.Records.Select(r => r.Name), ctx,
            (state, i) => state.SaveRimap(c.Records[i] with { Replace = true }, ctx)),
        SetAccountSettings c => c.CanModifyRpop is { } m && m != Settings.CanModifyRpop
            ? [new AccountSettingsChanged(Settings with { CanModifyRpop = m })]
            : [],
        ImportUids c => !Rpop.ContainsKey(c.Name)
            ? throw new ValidationException("Name", $"there is no RPOP record '{c.Name}'")
            : ImportNew(c.Name, c.Uids),
        PollRecord { Kind: RecordKind.Rimap } p => Rimap.ContainsKey(p.Name)
            ? [new RimapOrderPlaced(CanonicalName(RecordKind.Rimap, p.Name), ctx.Now)]
            : throw new ValidationException("Name", $"there is no RIMAP record '{p.Name}'"),
        PollRecord p => Rpop.ContainsKey(p.Name) ? [] : throw new ValidationException("Name", $"there is no RPOP record '{p.Name}'"),
        GetAccount => [],
        StoreOAuthGrant c => [StoreGrant(c, ctx.Sealer)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an account command"),
    };

    public AccountState Apply(IAccountEvent e) => e switch
    {
        RpopRecordSaved s => this with { Rpop = Rpop.Remove(s.Record.Name).Add(s.Record.Name, s.Record) },
        RimapRecordSaved s => this with { Rimap = Rimap.Remove(s.Record.Name).Add(s.Record.Name, s.Record) },
        RecordRemoved r => (r.Kind == RecordKind.Rpop
                ? this with { Rpop = Rpop.Remove(r.Name) }
                : this with { Rimap = Rimap.Remove(r.Name) })
            with
            {
                Status = Status.Remove(StatusKey(r.Kind, r.Name)),
                Ledgers = r.Kind == RecordKind.Rpop ? Ledgers.Remove(r.Name) : Ledgers,
                UnifiedLedgers = r.Kind == RecordKind.Rpop ? UnifiedLedgers.Remove(r.Name) : UnifiedLedgers,
                Marks = r.Kind == RecordKind.Rimap ? Marks.Remove(r.Name) : Marks,
            },
        AccountSettingsChanged s => this with { Settings = s.Settings },
        PollSucceeded p when Has(p.Kind, p.Name) => WithStatus(p.Kind, p.Name,
            StatusOf(p.Kind, p.Name) with { Last = p.At, Error = null, ErrorAt = null, ErrorKind = null, LastMessages = p.Messages, LastBytes = p.Bytes }),
        PollFailed p when Has(p.Kind, p.Name) => WithStatus(p.Kind, p.Name,
            StatusOf(p.Kind, p.Name) with { ErrorAt = p.At, ErrorKind = p.ErrorKind, Error = p.Error }),
        LedgerChanged l when Rpop.ContainsKey(l.Name) => this with { Ledgers = Ledgers.SetItem(l.Name, LedgerOf(l.Name).Apply(l.Change)) },
        DeliveriesStarted d when Rpop.ContainsKey(d.Name) => this with { Ledgers = Ledgers.SetItem(d.Name, LedgerOf(d.Name).Start(d.Deliveries)) },
        UnifiedDeliveriesRecorded u when Rpop.ContainsKey(u.Name) => this with
        {
            UnifiedLedgers = UnifiedLedgers.SetItem(u.Name, UnifiedLedgerOf(u.Name).Apply(u.Change)),
        },
        RimapFolderMarked m when Rimap.ContainsKey(m.Name) => this with
        {
            Marks = Marks.SetItem(m.Name, m.Mark is null ? MarksOf(m.Name).Remove(m.Folder) : MarksOf(m.Name).SetItem(m.Folder, m.Mark)),
        },
        RimapOrderPlaced o when Rimap.TryGetValue(o.Name, out var r) => this with { Rimap = Rimap.SetItem(r.Name, r with { ExtOrder = o.Order }) },
        RimapOrderCleared o when Rimap.TryGetValue(o.Name, out var r) => r.ExtOrder is { } pending && pending <= o.Order
            ? this with { Rimap = Rimap.SetItem(r.Name, r with { ExtOrder = null }) }
            : this,
        OAuthGrantStored g when g.Kind == RecordKind.Rpop && Rpop.TryGetValue(g.Name, out var r) => this with { Rpop = Rpop.SetItem(r.Name, r with { OAuth = g.SignIn }) },
        OAuthGrantStored g when g.Kind == RecordKind.Rimap && Rimap.TryGetValue(g.Name, out var r) => this with { Rimap = Rimap.SetItem(r.Name, r with { OAuth = g.SignIn }) },
        PollSucceeded or PollFailed or LedgerChanged or DeliveriesStarted or UnifiedDeliveriesRecorded or RimapFolderMarked or RimapOrderPlaced or RimapOrderCleared or OAuthGrantStored => this, // the record was removed meanwhile
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not an account event"),
    };

    /// <summary>
    /// Key rotation: every password and OAuth2 grant sealed with an older key, sealed again with the current one (the record is otherwise
    /// unchanged). Throws <see cref="System.Security.Cryptography.CryptographicException"/> when a password cannot be opened.
    /// </summary>
    public IReadOnlyList<IAccountEvent> ResealPasswords(ISecretSealer sealer) =>
    [
        .. Rpop.Values.Where(r => !r.Password.IsNone && sealer.NeedsResealing(r.Password))
            .Select(r => new RpopRecordSaved(r with { Password = sealer.Seal(sealer.Unseal(r.Password)) })),
        .. Rimap.Values.Where(r => !r.Password.IsNone && sealer.NeedsResealing(r.Password))
            .Select(r => new RimapRecordSaved(r with { Password = sealer.Seal(sealer.Unseal(r.Password)) })),
        .. Rpop.Values.Where(r => r.OAuth is { Grant: { IsNone: false } g } && sealer.NeedsResealing(g))
            .Select(r => new OAuthGrantStored(RecordKind.Rpop, r.Name, r.OAuth! with { Grant = sealer.Seal(sealer.Unseal(r.OAuth.Grant!)) })),
        .. Rimap.Values.Where(r => r.OAuth is { Grant: { IsNone: false } g } && sealer.NeedsResealing(g))
            .Select(r => new OAuthGrantStored(RecordKind.Rimap, r.Name, r.OAuth! with { Grant = sealer.Seal(sealer.Unseal(r.OAuth.Grant!)) })),
    ];

    /// <summary>The OAuth2 sign-in of a record after a consent, refused when the record no longer signs in through that provider.</summary>
    private OAuthGrantStored StoreGrant(StoreOAuthGrant c, ISecretSealer sealer)
    {
        var signIn = c.Kind == RecordKind.Rpop
            ? Rpop.TryGetValue(c.Name, out var rpop) ? (rpop.OAuth, rpop.Name) : throw new ValidationException("Name", $"there is no RPOP record '{c.Name}'")
            : Rimap.TryGetValue(c.Name, out var rimap) ? (rimap.OAuth, rimap.Name) : throw new ValidationException("Name", $"there is no RIMAP record '{c.Name}'");
        if (signIn.OAuth is null)
            throw new ValidationException("Provider", $"the {KindWord(c.Kind)} record '{signIn.Name}' does not sign in with OAuth2 (any more): nothing stored");
        if (!signIn.OAuth.Provider.Equals(c.Provider, StringComparison.Ordinal))
            throw new ValidationException("Provider",
                $"the {KindWord(c.Kind)} record '{signIn.Name}' now signs in through '{signIn.OAuth.Provider}', not '{c.Provider}': nothing stored; connect again");
        if (string.IsNullOrEmpty(c.RefreshToken) || c.RefreshToken.Length > 8192 || c.RefreshToken.Any(char.IsControl))
            throw new ValidationException("RefreshToken", "is empty, longer than 8192 characters or holds control characters");
        var name = c.ConnectedAs?.Trim();
        if (name is { Length: > 255 } || name?.Any(char.IsControl) == true)
            throw new ValidationException("ConnectedAs", "must be at most 255 characters without control characters");
        return new OAuthGrantStored(c.Kind, signIn.Name,
            new OAuthSignIn(c.Provider, sealer.Seal(c.RefreshToken), c.ConnectedAt, string.IsNullOrEmpty(name) ? null : name));
    }

    /// <summary>Only UIDs not yet delivered: importing the same file twice is a no-op, not an empty journal event.</summary>
    private IReadOnlyList<IAccountEvent> ImportNew(string name, IReadOnlyList<string> uids)
    {
        var delivered = LedgerOf(name).Delivered;
        var fresh = uids.Distinct().Where(u => !delivered.Contains(u)).ToList();
        return fresh.Count == 0 ? [] : [new LedgerChanged(CanonicalName(RecordKind.Rpop, name), new LedgerChange(fresh, [], []))];
    }

    public bool Has(RecordKind kind, string name) => kind == RecordKind.Rpop ? Rpop.ContainsKey(name) : Rimap.ContainsKey(name);

    private string CanonicalName(RecordKind kind, string name) =>
        kind == RecordKind.Rpop ? Rpop.Keys.First(k => NameComparer.Equals(k, name)) : Rimap.Keys.First(k => NameComparer.Equals(k, name));

    private AccountState WithStatus(RecordKind kind, string name, RecordStatus s) => this with { Status = Status.SetItem(StatusKey(kind, name), s) };

    private static string StatusKey(RecordKind kind, string name) => (kind == RecordKind.Rpop ? "rpop/" : "rimap/") + name;

    private static string KindWord(RecordKind kind) => kind == RecordKind.Rpop ? "RPOP" : "RIMAP";

    private IReadOnlyList<IAccountEvent> SaveRpop(RpopRecordChange change, AccountContext ctx)
    {
        Rpop.TryGetValue(change.Name ?? "", out var existing);
        var record = change.ApplyTo(existing, RecordRules.For(Address, ctx.MainDomain, ctx.ByAccountUser), ctx.Sealer);
        if (record is null)
            return existing is null ? [] : [new RecordRemoved(RecordKind.Rpop, existing.Name)];
        if (existing is null && Rpop.Count >= MaxRecordsPerKind)
            throw new ValidationException("Name", $"the account already has {MaxRecordsPerKind} RPOP records");
        // A record keeps the name it was created with; a change spelled in another case updates it.
        record = record with { Name = existing?.Name ?? record.Name };
        if (record == existing) return [];
        if (record.Mailbox != existing?.Mailbox && MirrorTree.MailboxRefusal(record.Mailbox, Rimap.Keys) is { } inMirror)
            throw new ValidationException("Mailbox", inMirror);
        UserRecordLimits.Check(record.ByAccountUser, record.Period, record.Trust, ctx.Settings ?? ModuleSettings.Default);
        RecordCaFileRule.Check(record.Trust, existing?.Trust, ctx.ByServerAdministrator, ctx.CaFolder);
        return [new RpopRecordSaved(record)];
    }

    private IReadOnlyList<IAccountEvent> SaveRimap(RimapRecordChange change, AccountContext ctx)
    {
        Rimap.TryGetValue(change.Name ?? "", out var existing);
        var record = change.ApplyTo(existing, ctx.Sealer, ctx.ByAccountUser);
        if (record is null)
            return existing is null ? [] : [new RecordRemoved(RecordKind.Rimap, existing.Name)];
        if (existing is null && Rimap.Count >= MaxRecordsPerKind)
            throw new ValidationException("Name", $"the account already has {MaxRecordsPerKind} RIMAP records");
        record = record with { Name = existing?.Name ?? record.Name };
        if (record == existing) return [];
        if (existing is null && MirrorTree.NameRefusal(record.Name, Rpop.Values.Select(r => (r.Name, r.Mailbox))) is { } overMailbox)
            throw new ValidationException("Name", overMailbox);
        UserRecordLimits.Check(record.ByAccountUser, record.Period, record.Trust, ctx.Settings ?? ModuleSettings.Default);
        RecordCaFileRule.Check(record.Trust, existing?.Trust, ctx.ByServerAdministrator, ctx.CaFolder);
        return [new RimapRecordSaved(record)];
    }

    /// <summary>A whole-set replacement: every record validated first; absent ones removed; all or nothing.</summary>
    private IReadOnlyList<IAccountEvent> Replace(RecordKind kind, IEnumerable<string> names, AccountContext ctx,
        Func<AccountState, int, IReadOnlyList<IAccountEvent>> save)
    {
        var list = names.ToList();
        var dup = list.GroupBy(n => n ?? "", NameComparer).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ValidationException("Name", $"'{dup.Key}' appears more than once");
        var events = new List<IAccountEvent>();
        var errors = new List<FieldError>();
        for (var i = 0; i < list.Count; i++)
        {
            try { events.AddRange(save(this, i)); }
            catch (ValidationException ex) { errors.AddRange(ex.Errors.Select(e => e with { Field = $"{list[i]}: {e.Field}" })); }
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        var existing = kind == RecordKind.Rpop ? Rpop.Keys : Rimap.Keys;
        foreach (var name in existing.Where(n => !list.Contains(n, NameComparer)))
            events.Add(new RecordRemoved(kind, name));
        if (list.Count > MaxRecordsPerKind)
            throw new ValidationException("Name", $"more than {MaxRecordsPerKind} {KindWord(kind)} records");
        return events;
    }
}
