using RemotePoll.Core.Validation;

namespace RemotePoll.Core.Records;

/// <summary>
/// A change of a record's TLS trust, as the CLI and the dictionaries give it: at most one of a certificate pin, a
/// public-key pin, a CA file or accept-any. An empty pin or CA file, or accept-any "no" when it was on, returns to
/// validation; anything not given keeps the stored trust.
/// </summary>
public sealed record TlsTrustChange
{
    public const int MaxPath = 1024;

    /// <summary>sha256:HEX or sha256:BASE64 of the certificate; empty clears.</summary>
    public string? Pin { get; init; }
    /// <summary>sha256:HEX or sha256:BASE64 of the SubjectPublicKeyInfo; empty clears.</summary>
    public string? Spki { get; init; }
    /// <summary>A PEM file of CA certificates on the nodes; empty clears.</summary>
    public string? CaFile { get; init; }
    public bool? AcceptAny { get; init; }

    public bool IsEmpty => Pin is null && Spki is null && CaFile is null && AcceptAny is null;

    /// <summary>The trust after this change; bad values go into <paramref name="errors"/> naming the field.</summary>
    public TlsTrust Apply(TlsTrust current, List<FieldError> errors)
    {
        var chosen = new List<(string Field, TlsTrust Trust)>();
        if (Pin is { Length: > 0 } pin)
        {
            if (TlsTrust.ParseSha256(pin, out var why) is { } hex) chosen.Add(("TLS Pin", TlsTrust.CertificatePin(hex)));
            else errors.Add(new FieldError("TLS Pin", why!));
        }
        if (Spki is { Length: > 0 } spki)
        {
            if (TlsTrust.ParseSha256(spki, out var why) is { } hex) chosen.Add(("TLS SPKI", TlsTrust.PublicKeyPin(hex)));
            else errors.Add(new FieldError("TLS SPKI", why!));
        }
        if (CaFile is { Length: > 0 } path)
        {
            if (FieldChecks.Text(path, MaxPath) is { } why) errors.Add(new FieldError("TLS CA File", why));
            else if (!path.StartsWith('/')) errors.Add(new FieldError("TLS CA File", $"'{path}' is not an absolute path"));
            else chosen.Add(("TLS CA File", TlsTrust.CaFile(path)));
        }
        if (AcceptAny == true) chosen.Add(("TLS Accept Any", TlsTrust.AcceptAny));
        if (chosen.Count > 1)
        {
            errors.Add(new FieldError(chosen[1].Field, $"cannot be combined with {chosen[0].Field}: a record trusts its server one way"));
            return current;
        }
        if (chosen.Count == 1) return chosen[0].Trust;
        var cleared = (Pin == "" && current.Mode == TlsTrustMode.CertificatePin)
            || (Spki == "" && current.Mode == TlsTrustMode.PublicKeyPin)
            || (CaFile == "" && current.Mode == TlsTrustMode.CaFile)
            || (AcceptAny == false && current.Mode == TlsTrustMode.AcceptAny);
        return cleared ? TlsTrust.Validate : current;
    }

    public override string ToString() => $"TlsTrustChange {{ Pin = {Pin}, Spki = {Spki}, CaFile = {CaFile}, AcceptAny = {AcceptAny} }}";
}
