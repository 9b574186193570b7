using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>
/// A create-or-change of one RIMAP record. Null fields keep the stored value (or the default on a new record);
/// <see cref="Replace"/> makes it a whole record as in SETACCOUNTRIMAPS. An absent password keeps the stored one only
/// while the destination stays (<see cref="RecordDestination"/>). The clear-text password is sealed before
/// anything is persisted.
/// </summary>
public sealed record RimapRecordChange(string Name)
{
    public const int MaxListFilter = 255;

    public string? Every { get; init; }
    public string? AuthName { get; init; }
    public string? Host { get; init; }
    public string? Password { get; init; }
    /// <summary>None | STARTTLS | SSL/TLS.</summary>
    public string? Security { get; init; }
    /// <summary>Normal | Encrypted.</summary>
    public string? AuthMethod { get; init; }
    /// <summary>The IMAP LIST pattern; empty clears it (all folders).</summary>
    public string? ListFilter { get; init; }
    /// <summary>A pending Try Now order (extOrder), as in the CommuniGate dictionary.</summary>
    public DateTimeOffset? ExtOrder { get; init; }
    /// <summary>How the server certificate is trusted; null keeps the stored trust.</summary>
    public TlsTrustChange? Trust { get; init; }
    /// <summary>Set by the admin API for account-user callers; null keeps the stored value.</summary>
    public bool? ByAccountUser { get; init; }
    /// <summary>Push (IDLE) on or off; null keeps the stored value (off on a new or replaced record).</summary>
    public bool? Push { get; init; }
    /// <summary>Sync flags and deletions on or off; null keeps the stored value (off on a new or replaced record).</summary>
    public bool? SyncFlags { get; init; }
    public bool Replace { get; init; }
    /// <summary>
    /// <c>--auth oauth2 --oauth-provider NAME</c>: sign in with OAuth2 through that registered provider; empty goes
    /// back to a password; null keeps the stored method. A new host, port, Connection Security or provider voids the stored grant.
    /// </summary>
    public string? OAuthProvider { get; init; }
    /// <summary>An imported grant (CommuniGate <c>oauthGrant</c>, the refresh token in clear in transit only), sealed on the record.</summary>
    public string? OAuthGrant { get; init; }
    /// <summary>The provider account's name that came with an imported grant (<c>oauthConnectedAs</c>).</summary>
    public string? OAuthConnectedAs { get; init; }

    /// <summary>The record after this change, or null for Never. Throws <see cref="ValidationException"/>.</summary>
    /// <param name="byAccountUser">The account's user makes the change (see <see cref="RecordRules.ByAccountUser"/>).</param>
    public RimapRecord? ApplyTo(RimapRecord? existing, ISecretSealer sealer, bool byAccountUser = false)
    {
        var errors = new List<FieldError>();
        var every = RecordFieldChecks.Every(errors, Every);
        if (every is { IsNever: true }) return null;

        var b = Replace ? null : existing;
        var authName = AuthName ?? existing?.AuthName;
        var hostText = Host ?? existing?.Host.ToString();
        var oauthWanted = OAuthProvider is { Length: > 0 } || (OAuthProvider is null && existing?.OAuth is not null);
        if (OAuthProvider is { Length: > 0 } p && RecordName.Check(p) is { } pr) errors.Add(new FieldError("OAuthProvider", pr));
        if (OAuthProvider is { Length: 0 } && existing?.OAuth is not null && Password is null)
            errors.Add(new FieldError("Password", "is required to go back from OAuth2 to a password"));
        if (OAuthSignIn.ImportedGrantRefusal(OAuthGrant, oauthWanted) is { } gr) errors.Add(new FieldError("oauthGrant", gr));
        RecordFieldChecks.Common(errors, Name, authName, hostText, Password, existing is null && !oauthWanted, out var host);
        ConnectionSecurity? security = b?.Security ?? ConnectionSecurity.None;
        if (Security is not null && (security = RecordEnums.ParseSecurity(Security)) is null)
            errors.Add(new FieldError("Connection Security", $"'{Security}' is not one of None, STARTTLS, SSL/TLS"));
        ImapAuthMethod? auth = b?.AuthMethod ?? ImapAuthMethod.Normal;
        if (AuthMethod is not null && (auth = RecordEnums.ParseAuthMethod(AuthMethod)) is null)
            errors.Add(new FieldError("Authentication Method", $"'{AuthMethod}' is not one of Normal, Encrypted"));
        var filter = ListFilter is null ? b?.ListFilter : ListFilter.Length == 0 ? null : ListFilter;
        if (filter is not null && FieldChecks.Text(filter, MaxListFilter) is { } fr) errors.Add(new FieldError("Filter", fr));
        var trust = RecordFieldChecks.Trust(errors, Trust, existing?.Trust);
        if (errors.Count > 0) throw new ValidationException(errors);

        return VoidSecretsWhenRetargeted(existing, new RimapRecord(
            Name,
            every?.Period ?? existing?.Period ?? PollPeriod.Default,
            authName!,
            host!,
            Password is null ? existing?.Password ?? sealer.Seal("") : sealer.Seal(Password),
            security!.Value,
            auth!.Value,
            filter,
            ExtOrder ?? existing?.ExtOrder)
        {
            Trust = trust,
            Push = Push ?? b?.Push ?? false,
            SyncFlags = SyncFlags ?? b?.SyncFlags ?? false,
            ByAccountUser = new RecordRules(false, byAccountUser).MarksByAccountUser(existing?.ByAccountUser ?? false, Host, ByAccountUser),
            // Issue 16 point 3: a grant is never sent to a new host, port or TLS setting.
            OAuth = OAuthSignIn.WithImportedGrant(OAuthSignIn.After(existing?.OAuth, OAuthProvider,
                existing is not null && (!host!.Equals(existing.Host) || security!.Value != existing.Security)), OAuthGrant, OAuthConnectedAs, sealer),
        });
    }

    /// <summary>
    /// Secrets go only where they were given: a change that moves the record to another destination (host, port, TLS,
    /// trust, login name: <see cref="RecordDestination"/>) without a new password voids the stored one, and the record's
    /// polls then fail with <see cref="RecordDestination.PasswordRequired"/> instead of sending it. Every stored
    /// credential of the record is void here.
    /// </summary>
    /// <remarks>
    /// So does a change of the auth method from Encrypted to Normal: the password would then cross the wire in a weaker
    /// form (LOGIN instead of CRAM-MD5) than the one it was given for. Normal to Encrypted keeps it.
    /// </remarks>
    private RimapRecord VoidSecretsWhenRetargeted(RimapRecord? existing, RimapRecord next) =>
        existing is null || Password is not null
            || (next.Destination == existing.Destination
                && !(existing.AuthMethod == ImapAuthMethod.Encrypted && next.AuthMethod == ImapAuthMethod.Normal))
            ? next
            : next with { Password = SealedSecret.None };

    public override string ToString() =>
        $"RimapRecordChange {{ Name = {Name}, Every = {Every}, AuthName = {AuthName}, Host = {Host}, Password = {(Password is null ? "" : "(given)")}, Security = {Security}, AuthMethod = {AuthMethod}, ListFilter = {ListFilter}, Trust = {Trust}, Push = {Push}, SyncFlags = {SyncFlags}, ByAccountUser = {ByAccountUser}, Replace = {Replace}, OAuthProvider = {OAuthProvider}, OAuthGrant = {(OAuthGrant is null ? "" : "(given)")} }}";
}
