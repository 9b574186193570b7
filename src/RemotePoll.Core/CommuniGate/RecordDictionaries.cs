using System.Globalization;
using RemotePoll.Core.Records;
using RemotePoll.Core.Secrets;
using RemotePoll.Core.Validation;

namespace RemotePoll.Core.CommuniGate;

/// <summary>
/// RPOP and RIMAP record sets as CommuniGate dictionaries (spec, the last sections): the record name is the key;
/// the value a dictionary with the spec's keys, plus <c>period</c> for Poll Every. Flags are YES when set. A record's
/// TLS trust, when not the default validation, is one of <c>tlsPin</c>, <c>tlsSpki</c>, <c>tlsCAFile</c> or
/// <c>tlsAcceptAny = YES</c>; a set without them keeps the stored trust (an empty value returns to validation).
/// </summary>
public static class RecordDictionaries
{
    private static readonly string[] TlsKeys = ["tlsPin", "tlsSpki", "tlsCAFile", "tlsAcceptAny"];
    private static readonly string[] RpopKeys = ["domain", "authName", "password", "mailbox", "special", "leave", "TLS", "APOP", "period", .. TlsKeys];
    private static readonly string[] RimapKeys = ["domain", "authName", "password", "connectionSecurity", "authMethod", "listFilter", "extOrder", "period", .. TlsKeys];

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
            .. TrustPairs(r.Trust)])))));

    /// <summary>Prints RIMAP records; passwords only when <paramref name="unseal"/> is given.</summary>
    public static CgpDictionary FromRimap(IEnumerable<RimapRecord> records, Func<SealedSecret, string>? unseal) =>
        new(records.Select(r =>
        {
            var pairs = Pairs(
                ("domain", r.Host.ToString()),
                ("authName", r.AuthName),
                ("password", r.Password.IsNone ? null : unseal?.Invoke(r.Password)),
                ("connectionSecurity", r.Security.ToSpecWord()),
                ("authMethod", r.AuthMethod.ToSpecWord()),
                ("listFilter", r.ListFilter),
                ("period", r.Period.ToString()));
            pairs.AddRange(Pairs(TrustPairs(r.Trust)));
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
                Replace = true,
            };
        });

    /// <summary>Reads an RIMAP set; throws <see cref="ValidationException"/> naming the record and key of every bad value.</summary>
    public static IReadOnlyList<RimapRecordChange> ToRimapChanges(CgpValue value) =>
        Read(value, RimapKeys, (name, d, errors) => new RimapRecordChange(name)
        {
            Host = Text(d, "domain", name, errors),
            AuthName = Text(d, "authName", name, errors),
            Password = Text(d, "password", name, errors),
            Security = Text(d, "connectionSecurity", name, errors),
            AuthMethod = Text(d, "authMethod", name, errors),
            ListFilter = Text(d, "listFilter", name, errors),
            ExtOrder = Timestamp(d, "extOrder", name, errors),
            Every = Period(d, name, errors),
            Trust = Trust(d, name, errors),
            Replace = true,
        });

    /// <summary>RPOP TLS: YES (implicit TLS, as CommuniGate writes it), STARTTLS (STLS on the plain port), NO or absent.</summary>
    private static string TlsMode(CgpDictionary d, string name, List<FieldError> errors)
    {
        var text = Text(d, "TLS", name, errors)?.Trim().ToUpperInvariant();
        if (text is null or "NO" or "YES" or "STARTTLS") return text ?? "NO";
        errors.Add(new FieldError($"{name}: TLS", $"'{text}' is not YES, STARTTLS or NO"));
        return "NO";
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
