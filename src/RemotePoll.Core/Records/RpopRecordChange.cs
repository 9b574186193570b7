using RemotePoll.Core.OAuth;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>
/// A create-or-change of one RPOP record, as the CLI, the admin API and the CommuniGate SET verbs give it.
/// Null fields keep the stored value (or the default on a new record); <see cref="Replace"/> makes it a whole
/// record, as in SETACCOUNTRPOPS, where absent flags, Mailbox and Special are cleared, while an absent password, Account, Host or period keeps the stored one
/// (the password only while the destination stays: <see cref="RecordDestination"/>).
/// The clear-text password lives only in transit: it is sealed before anything is persisted.
/// </summary>
public sealed record RpopRecordChange(string Name)
{
    public string? Every { get; init; }
    public string? AuthName { get; init; }
    public string? Host { get; init; }
    public string? Password { get; init; }
    public bool? Leave { get; init; }
    public bool? Apop { get; init; }
    public bool? Tls { get; init; }
    /// <summary>Mailbox name; empty clears it (messages then go through the queue).</summary>
    public string? Mailbox { get; init; }
    /// <summary>Special header name or "*"; empty clears it.</summary>
    public string? Special { get; init; }
    /// <summary>How the server certificate is trusted; null keeps the stored trust.</summary>
    public TlsTrustChange? Trust { get; init; }
    /// <summary>Set by the admin API for account-user callers; null keeps the stored value.</summary>
    public bool? ByAccountUser { get; init; }
    public bool Replace { get; init; }
    /// <summary>
    /// <c>--auth oauth2 --oauth-provider NAME</c>: sign in with OAuth2 through that registered provider; empty goes
    /// back to a password; null keeps the stored method. A new host, TLS setting or provider voids the stored grant.
    /// </summary>
    public string? OAuthProvider { get; init; }
    /// <summary>An imported grant (CommuniGate <c>oauthGrant</c>, the refresh token in clear in transit only), sealed on the record.</summary>
    public string? OAuthGrant { get; init; }
    /// <summary>The provider account's name that came with an imported grant (<c>oauthConnectedAs</c>).</summary>
    public string? OAuthConnectedAs { get; init; }

    /// <summary>
    /// The record after this change, or null when Poll Every is Never (the record is removed).
    /// Throws <see cref="ValidationException"/> naming every bad field; nothing is changed then.
    /// </summary>
    public RpopRecord? ApplyTo(RpopRecord? existing, RecordRules rules, ISecretSealer sealer)
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
        var mailbox = Mailbox is null ? b?.Mailbox : Mailbox.Length == 0 ? null : Mailbox;
        if (RecordFieldChecks.Mailbox(mailbox) is { } mr) errors.Add(new FieldError("Mailbox", mr));
        var special = Special is null ? b?.Special : Special.Length == 0 ? null : Special.Trim();
        if (special is not null)
        {
            if (rules.ByAccountUser && Special is { Length: > 0 }) errors.Add(new FieldError("Special", "an account user may not set Special"));
            else if (SpecialHeader.Check(special) is { } sr) errors.Add(new FieldError("Special", sr));
            else if (!rules.SpecialAllowed)
                errors.Add(new FieldError("Special", "is allowed only on records of postmaster in the main domain"));
        }
        var trust = RecordFieldChecks.Trust(errors, Trust, existing?.Trust);
        if (errors.Count > 0) throw new ValidationException(errors);

        return VoidSecretsWhenRetargeted(existing, new RpopRecord(
            Name,
            every?.Period ?? existing?.Period ?? PollPeriod.Default,
            authName!,
            host!,
            Password is null ? existing?.Password ?? sealer.Seal("") : sealer.Seal(Password),
            Leave ?? b?.Leave ?? false,
            Apop ?? b?.Apop ?? false,
            Tls ?? b?.Tls ?? false,
            mailbox,
            special)
        {
            Trust = trust,
            ByAccountUser = rules.MarksByAccountUser(existing?.ByAccountUser ?? false, Host, ByAccountUser),
            // Issue 16 point 3: a grant is never sent to a new host, port or TLS setting.
            OAuth = OAuthSignIn.WithImportedGrant(OAuthSignIn.After(existing?.OAuth, OAuthProvider,
                existing is not null && (!host!.Equals(existing.Host) || (Tls ?? b?.Tls ?? false) != existing.Tls)), OAuthGrant, OAuthConnectedAs, sealer),
        });
    }

    /// <summary>
    /// Secrets go only where they were given: a change that moves the record to another destination (host, port, TLS,
    /// trust, login name: <see cref="RecordDestination"/>) without a new password voids the stored one, and the record's
    /// polls then fail with <see cref="RecordDestination.PasswordRequired"/> instead of sending it. Every stored
    /// credential of the record is void here.
    /// </summary>
    private RpopRecord VoidSecretsWhenRetargeted(RpopRecord? existing, RpopRecord next) =>
        existing is null || Password is not null || next.Destination == existing.Destination
            ? next
            : next with { Password = SealedSecret.None };

    public override string ToString() =>
        $"RpopRecordChange {{ Name = {Name}, Every = {Every}, AuthName = {AuthName}, Host = {Host}, Password = {(Password is null ? "" : "(given)")}, Leave = {Leave}, Apop = {Apop}, Tls = {Tls}, Mailbox = {Mailbox}, Special = {Special}, Trust = {Trust}, ByAccountUser = {ByAccountUser}, Replace = {Replace}, OAuthProvider = {OAuthProvider}, OAuthGrant = {(OAuthGrant is null ? "" : "(given)")} }}";
}
