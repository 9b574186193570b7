using System.Globalization;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// RPOP and RIMAP record sets as CommuniGate dictionaries (spec, the last sections): the record name is the key;
/// the value a dictionary with the spec's keys, plus <c>period</c> for Poll Every (and <c>push</c> and <c>syncFlags</c> on RIMAP, issue 20). Flags are YES when set. A record's
/// TLS trust, when not the default validation, is one of <c>tlsPin</c>, <c>tlsSpki</c>, <c>tlsCAFile</c> or
/// <c>tlsAcceptAny = YES</c>; a set without them keeps the stored trust (an empty value returns to validation).
/// </summary>
public static class RecordDictionaries
{
    private static readonly string[] TlsKeys = ["tlsPin", "tlsSpki", "tlsCAFile", "tlsAcceptAny"];
    private static readonly string[] OAuthKeys = ["oauthProvider", "oauthGrant", "oauthConnectedAs"];
    private static readonly string[] RpopKeys = ["domain", "authName", "password", "mailbox", "special", "leave", "TLS", "APOP", "period", "authMethod", .. TlsKeys, .. OAuthKeys];
    private static readonly string[] RimapKeys = ["domain", "authName", "password", "connectionSecurity", "authMethod", "listFilter", "extOrder", "period", "push", "syncFlags", .. TlsKeys, .. OAuthKeys];

    /// <summary>The <c>authMethod</c> value of a record that signs in with OAuth2 (issue 17: <c>authMethod = OAuth2; oauthProvider = gmail;</c>).</summary>
    public const string OAuth2Method = "OAuth2";

    /// <summary>Prints RPOP records; passwords only when <paramref name="unseal"/> is given.</summary>
    public static CgpDictionary FromRpop(IEnumerable<RpopRecord> records, Func<SealedSecret, string>? unseal) =>
        new(records.Select(r => KeyValuePair.Create(r.Name, (CgpValue)new CgpDictionary(Pairs([
            ("domain", r.Host.ToString()),
            ("authName", r.AuthName),
            ("password", r.Password.IsNone ? null : unseal?.Invoke(r.Password)),
            ("mailbox", r.Mailbox),
            ("special", r.Special),
            ("leave", r.Leave ? "YES" : null),
            ("TLS", r.Tls ? "YES" : r.StartTls ? "STARTTLS" : null),
            ("APOP", r.Apop ? "YES" : null),
            ("period", r.Period.ToString()),
            .. TrustPairs(r.Trust),
            .. OAuthPairs(r.OAuth, unseal)])))));

    /// <summary>Prints RIMAP records; passwords only when <paramref name="unseal"/> is given.</summary>
    public static CgpDictionary FromRimap(IEnumerable<RimapRecord> records, Func<SealedSecret, string>? unseal) =>
        new(records.Select(r =>
        {
            var pairs = Pairs(
                ("domain", r.Host.ToString()),
                ("authName", r.AuthName),
                ("password", r.Password.IsNone ? null : unseal?.Invoke(r.Password)),
                ("connectionSecurity", r.Security.ToSpecWord()),
                ("authMethod", r.OAuth is null ? r.AuthMethod.ToSpecWord() : OAuth2Method),
                ("listFilter", r.ListFilter),
                ("period", r.Period.ToString()),
                ("push", r.Push ? "YES" : null),
                ("syncFlags", r.SyncFlags ? "YES" : null));
            pairs.AddRange(Pairs(TrustPairs(r.Trust)));
            pairs.AddRange(Pairs(OAuthPairs(r.OAuth, unseal).Where(p => p.Key != "authMethod").ToArray()));
            if (r.ExtOrder is { } order) pairs.Add(KeyValuePair.Create("extOrder", (CgpValue)new CgpTimestamp(order)));
            return KeyValuePair.Create(r.Name, (CgpValue)new CgpDictionary(pairs));
        }));

    /// <summary>Reads an RPOP set; throws <see cref="ValidationException"/> naming the record and key of every bad value.</summary>
    public static IReadOnlyList<RpopRecordChange> ToRpopChanges(CgpValue value) =>
        Read(value, RpopKeys, (name, d, errors) =>
        {
            var tls = TlsMode(d, name, errors);
            return new RpopRecordChange(name)
            {
                OAuthProvider = OAuthProvider(d, name, errors, ["password"]),
                Host = Text(d, "domain", name, errors),
                AuthName = Text(d, "authName", name, errors),
                Password = Text(d, "password", name, errors),
                Mailbox = Text(d, "mailbox", name, errors),
                Special = Text(d, "special", name, errors),
                Leave = Flag(d, "leave", name, errors),
                Tls = tls == "YES",
                StartTls = tls == "STARTTLS",
                Apop = Flag(d, "APOP", name, errors),
                Every = Period(d, name, errors),
                Trust = Trust(d, name, errors),
                OAuthGrant = Text(d, "oauthGrant", name, errors),
                OAuthConnectedAs = Text(d, "oauthConnectedAs", name, errors),
                Replace = true,
            };
        });

    /// <summary>Reads an RIMAP set; throws <see cref="ValidationException"/> naming the record and key of every bad value.</summary>
    public static IReadOnlyList<RimapRecordChange> ToRimapChanges(CgpValue value) =>
        Read(value, RimapKeys, (name, d, errors) =>
        {
            var provider = OAuthProvider(d, name, errors, ["normal", "encrypted"]);
            return new RimapRecordChange(name)
            {
                Host = Text(d, "domain", name, errors),
                AuthName = Text(d, "authName", name, errors),
                Password = Text(d, "password", name, errors),
                Security = Text(d, "connectionSecurity", name, errors),
                AuthMethod = provider is { Length: > 0 } ? null : Text(d, "authMethod", name, []),
                ListFilter = Text(d, "listFilter", name, errors),
                ExtOrder = Timestamp(d, "extOrder", name, errors),
                Push = Flag(d, "push", name, errors),
                SyncFlags = Flag(d, "syncFlags", name, errors),
                Every = Period(d, name, errors),
                Trust = Trust(d, name, errors),
                OAuthProvider = provider,
                OAuthGrant = Text(d, "oauthGrant", name, errors),
                OAuthConnectedAs = Text(d, "oauthConnectedAs", name, errors),
                Replace = true,
            };
        });

    /// <summary>RPOP TLS: YES (implicit TLS, as CommuniGate writes it), STARTTLS (STLS on the plain port), NO or absent.</summary>
    private static string TlsMode(CgpDictionary d, string name, List<FieldError> errors)
    {
        var text = Text(d, "TLS", name, errors)?.Trim().ToUpperInvariant();
        if (text is null or "NO" or "YES" or "STARTTLS") return text ?? "NO";
        errors.Add(new FieldError($"{name}: TLS", $"'{text}' is not YES, STARTTLS or NO"));
        return "NO";
    }

    /// <summary>
    /// <c>authMethod = OAuth2; oauthProvider = NAME;</c>; the grant (the refresh token) only where passwords are printed
    /// (<paramref name="unseal"/> given: <c>--with-passwords</c>), as they are, with the provider account's name.
    /// </summary>
    private static (string Key, string? Value)[] OAuthPairs(OAuth.OAuthSignIn? signIn, Func<SealedSecret, string>? unseal) => signIn is null ? [] :
    [
        ("authMethod", OAuth2Method),
        ("oauthProvider", signIn.Provider),
        ("oauthGrant", signIn.Connected ? unseal?.Invoke(signIn.Grant!) : null),
        ("oauthConnectedAs", signIn.Connected && unseal is not null ? signIn.ConnectedAs : null),
    ];

    /// <summary>
    /// The provider of a record set with <c>authMethod = OAuth2</c> (required then); null when the record signs in with a
    /// password. A replaced set is whole: a record without OAuth2 keys goes back to (or stays with) a password ("").
    /// </summary>
    private static string? OAuthProvider(CgpDictionary d, string name, List<FieldError> errors, string[] passwordMethods)
    {
        var method = Text(d, "authMethod", name, errors);
        var provider = Text(d, "oauthProvider", name, errors);
        if (method is not null && method.Equals(OAuth2Method, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(provider)) errors.Add(new FieldError($"{name}: oauthProvider", "is required with authMethod = OAuth2"));
            return provider;
        }
        if (provider is not null) errors.Add(new FieldError($"{name}: oauthProvider", "is only for authMethod = OAuth2"));
        if (method is null) return null;
        if (!passwordMethods.Contains(method.ToLowerInvariant()))
            errors.Add(new FieldError($"{name}: authMethod", $"'{method}' is not one of {string.Join(", ", passwordMethods.Select(m => char.ToUpperInvariant(m[0]) + m[1..]))}, OAuth2"));
        return "";
    }

    private static (string Key, string? Value)[] TrustPairs(TlsTrust trust) => trust.Mode switch
    {
        TlsTrustMode.CertificatePin => [("tlsPin", "sha256:" + trust.Value)],
        TlsTrustMode.PublicKeyPin => [("tlsSpki", "sha256:" + trust.Value)],
        TlsTrustMode.CaFile => [("tlsCAFile", trust.Value)],
        TlsTrustMode.AcceptAny => [("tlsAcceptAny", "YES")],
        _ => [],
    };

    private static TlsTrustChange? Trust(CgpDictionary d, string name, List<FieldError> errors)
    {
        if (!TlsKeys.Any(d.ContainsKey)) return null;
        var acceptAny = d.ContainsKey("tlsAcceptAny") ? Flag(d, "tlsAcceptAny", name, errors) : null;
        return new TlsTrustChange
        {
            Pin = Text(d, "tlsPin", name, errors),
            Spki = Text(d, "tlsSpki", name, errors),
            CaFile = Text(d, "tlsCAFile", name, errors),
            AcceptAny = acceptAny,
        };
    }

    private static List<KeyValuePair<string, CgpValue>> Pairs(params (string Key, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, (CgpValue)new CgpString(p.Value!))).ToList();

    private static IReadOnlyList<T> Read<T>(CgpValue value, string[] keys, Func<string, CgpDictionary, List<FieldError>, T> read)
    {
        if (value is not CgpDictionary set)
            throw new ValidationException("dictionary", "must be a dictionary of records: { name = { domain = ...; }; }");
        var errors = new List<FieldError>();
        var result = new List<T>();
        foreach (var (name, recordValue) in set.Entries)
        {
            if (recordValue is not CgpDictionary d) { errors.Add(new FieldError(name, "must be a dictionary { key = value; ... }")); continue; }
            foreach (var key in d.Keys.Where(k => !keys.Contains(k, StringComparer.Ordinal)))
                errors.Add(new FieldError($"{name}: {key}", $"is not a record key; the keys are {string.Join(", ", keys)}"));
            result.Add(read(name, d, errors));
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return result;
    }

    private static string? Text(CgpDictionary d, string key, string name, List<FieldError> errors)
    {
        if (!d.TryGetValue(key, out var v)) return null;
        if (v is CgpString s) return s.Value;
        if (v is CgpNull) return null;
        errors.Add(new FieldError($"{name}: {key}", $"must be a string, not {v}"));
        return null;
    }

    private static bool? Flag(CgpDictionary d, string key, string name, List<FieldError> errors)
    {
        var text = Text(d, key, name, errors);
        if (text is null) return false;
        if (text.Equals("YES", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("NO", StringComparison.OrdinalIgnoreCase)) return false;
        errors.Add(new FieldError($"{name}: {key}", $"'{text}' is not YES or NO"));
        return null;
    }

    private static string? Period(CgpDictionary d, string name, List<FieldError> errors)
    {
        if (d.TryGetValue("period", out var v) && v is CgpNumber n) return n.Value.ToString(CultureInfo.InvariantCulture);
        return Text(d, "period", name, errors);
    }

    private static DateTimeOffset? Timestamp(CgpDictionary d, string key, string name, List<FieldError> errors)
    {
        if (!d.TryGetValue(key, out var v) || v is CgpNull) return null;
        if (v is CgpTimestamp t && !t.IsPast && !t.IsFuture) return t.Value;
        errors.Add(new FieldError($"{name}: {key}", $"must be a time stamp such as #T01-01-2026_10:00:00, not {v}"));
        return null;
    }
}
