namespace RemotePoll.Core.Records;

/// <summary>
/// A record's choice of how to trust its remote server's TLS certificate. Validation is the default; a pin, a CA file
/// or accepting any certificate is chosen per record by an operator and shown in every listing. A pin's
/// <see cref="Value"/> is the SHA-256 digest in lowercase hex; a CA file's is the path on the nodes.
/// </summary>
public sealed record TlsTrust(TlsTrustMode Mode, string? Value = null)
{
    public static readonly TlsTrust Validate = new(TlsTrustMode.Validate);
    public static readonly TlsTrust AcceptAny = new(TlsTrustMode.AcceptAny);

    public static TlsTrust CertificatePin(string hex) => new(TlsTrustMode.CertificatePin, hex);
    public static TlsTrust PublicKeyPin(string hex) => new(TlsTrustMode.PublicKeyPin, hex);
    public static TlsTrust CaFile(string path) => new(TlsTrustMode.CaFile, path);

    /// <summary>A SHA-256 digest as shown and compared: <c>sha256:</c> and lowercase hex.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> sha256) => "sha256:" + Convert.ToHexStringLower(sha256);

    /// <summary>
    /// Parses a SHA-256 fingerprint: <c>sha256:</c> or <c>sha256/</c> then 64 hex digits (colons allowed, as openssl
    /// prints them) or the 44-character base64 form (as HPKP and curl print public-key pins). Null with a reason otherwise.
    /// </summary>
    public static string? ParseSha256(string text, out string? reason)
    {
        reason = null;
        var t = text.Trim();
        var prefix = t.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) || t.StartsWith("sha256/", StringComparison.OrdinalIgnoreCase);
        if (!prefix)
        {
            reason = $"'{text}' must start with sha256: (sha256:HEX or sha256:BASE64)";
            return null;
        }
        var digest = t[7..];
        var hex = digest.Replace(":", "", StringComparison.Ordinal);
        if (hex.Length == 64 && hex.All(char.IsAsciiHexDigit)) return hex.ToLowerInvariant();
        var bytes = new byte[33];
        if (digest.Length == 44 && Convert.TryFromBase64String(digest, bytes, out var n) && n == 32)
            return Convert.ToHexStringLower(bytes.AsSpan(0, 32));
        reason = $"'{text}' is not a SHA-256 digest: 64 hex digits or 44 base64 characters after sha256:";
        return null;
    }

    /// <summary>How listings show it: validate | cert sha256:HEX | spki sha256:HEX | ca-file PATH | accept-any.</summary>
    public override string ToString() => Mode switch
    {
        TlsTrustMode.CertificatePin => "cert sha256:" + Value,
        TlsTrustMode.PublicKeyPin => "spki sha256:" + Value,
        TlsTrustMode.CaFile => "ca-file " + Value,
        TlsTrustMode.AcceptAny => "accept-any",
        _ => "validate",
    };

    /// <summary>The mode's word for JSON and dictionaries.</summary>
    public string ModeWord => Mode switch
    {
        TlsTrustMode.CertificatePin => "cert-pin",
        TlsTrustMode.PublicKeyPin => "spki-pin",
        TlsTrustMode.CaFile => "ca-file",
        TlsTrustMode.AcceptAny => "accept-any",
        _ => "validate",
    };
}
